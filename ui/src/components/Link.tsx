import type { ComponentChildren } from 'preact';
import { useApp } from './nav';

/** An <a> that navigates without reloading the page (a modified click still opens a new tab). */
export function Link({ href, children, class: cls, title }: { href: string; children: ComponentChildren; class?: string; title?: string }) {
  const { nav } = useApp();
  return (
    <a
      href={href}
      class={cls}
      title={title}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        nav.navigate(href);
      }}
    >
      {children}
    </a>
  );
}
