import type { ComponentChildren } from 'preact';
import { Link } from './Link';
import { useApp } from './nav';

const NAV: readonly [string, string][] = [
  ['/', 'Overview'],
  ['/hosts', 'Hosts'],
  ['/probes', 'Probes'],
  ['/alerts', 'Alerts'],
  ['/explore', 'Explore'],
  ['/dashboards', 'Dashboards'],
  ['/status', 'Status'],
];

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

export function Shell({ children }: { children: ComponentChildren }) {
  const { nav, me, logout } = useApp();
  return (
    <div class="shell">
      <header class="topbar">
        <Link href="/" class="brand">Vigie</Link>
        <nav class="mainnav" aria-label="Main">
          {NAV.map(([href, label]) => (
            <Link key={href} href={href} class={isCurrent(nav.path, href) ? 'current' : ''}>{label}</Link>
          ))}
          {me.role === 'admin' ? <Link href="/users" class={isCurrent(nav.path, '/users') ? 'current' : ''}>Users</Link> : null}
        </nav>
        <div class="user">
          <span class="muted" title={`role: ${me.role}`}>{me.user}</span>
          {me.user !== 'anonymous' ? <button type="button" class="link" onClick={logout}>Log out</button> : null}
        </div>
      </header>
      <main class="content">{children}</main>
    </div>
  );
}
