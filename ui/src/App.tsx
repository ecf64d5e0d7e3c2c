import { lazy, Suspense } from 'preact/compat';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Shell } from './components/Shell';
import { type AppContextValue, type Nav, AppContext } from './components/nav';
import { type Me, fetchMe, logout, newSession } from './lib/api';
import { matchRoute } from './lib/router';
import { HostPage } from './pages/Host';
import { HostsPage } from './pages/Hosts';
import { LoginPage } from './pages/Login';
import { OverviewPage } from './pages/Overview';
import { PlaceholderPage } from './pages/Placeholder';
import { StatusPage } from './pages/Status';

// Explore carries CodeMirror: its own chunk, loaded when first opened. The other pages past the
// overview are chunks of their own too, so that the first load stays small.
const ExplorePage = lazy(() => import('./pages/Explore').then((m) => ({ default: m.ExplorePage })));
const AlertsPage = lazy(() => import('./pages/Alerts').then((m) => ({ default: m.AlertsPage })));
const ProbesPage = lazy(() => import('./pages/Probes').then((m) => ({ default: m.ProbesPage })));
const UsersPage = lazy(() => import('./pages/Users').then((m) => ({ default: m.UsersPage })));
const DashboardsPage = lazy(() => import('./pages/Dashboards').then((m) => ({ default: m.DashboardsPage })));
const DashboardPage = lazy(() => import('./pages/Dashboards').then((m) => ({ default: m.DashboardPage })));

function currentLocation(): { path: string; search: string } {
  return { path: window.location.pathname, search: window.location.search };
}

export function App() {
  const [loc, setLoc] = useState(currentLocation);
  // undefined: asking the server; null: not logged in.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [bootError, setBootError] = useState<string | undefined>();
  const session = useMemo(() => newSession(() => setMe(null)), []);

  useEffect(() => {
    const onPop = (): void => setLoc(currentLocation());
    window.addEventListener('popstate', onPop);
    fetchMe(session).then((m) => setMe(m ?? null), (e: unknown) => setBootError(e instanceof Error ? e.message : String(e)));
    return () => window.removeEventListener('popstate', onPop);
  }, [session]);

  const navigate = useCallback((to: string, replace = false) => {
    if (replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLoc(currentLocation());
    if (!replace) window.scrollTo(0, 0);
  }, []);
  const nav: Nav = useMemo(() => ({ ...loc, navigate }), [loc, navigate]);

  if (bootError !== undefined) return <p class="error boot">Cannot reach the Vigie server: {bootError}</p>;
  if (me === undefined) return <p class="muted boot">Loading…</p>;
  if (me === null) return <LoginPage session={session} onLoggedIn={setMe} />;

  const ctx: AppContextValue = {
    nav,
    session,
    me,
    logout: () => {
      logout(session).finally(() => setMe(null));
    },
  };
  const route = matchRoute(loc.path);
  let page;
  switch (route.page) {
    case 'overview':
      page = <OverviewPage />;
      break;
    case 'hosts':
      page = <HostsPage />;
      break;
    case 'host':
      page = <HostPage key={route.instance} instance={route.instance} />;
      break;
    case 'explore':
      page = <ExplorePage />;
      break;
    case 'status':
      page = <StatusPage />;
      break;
    case 'probes':
      page = <ProbesPage />;
      break;
    case 'alerts':
      page = <AlertsPage />;
      break;
    case 'dashboards':
      page = <DashboardsPage />;
      break;
    case 'dashboard':
      page = <DashboardPage key={route.uid} uid={route.uid} />;
      break;
    case 'users':
      page = <UsersPage />;
      break;
    case 'notFound':
      page = <PlaceholderPage title="Not found" text={`No page at ${route.path}.`} />;
      break;
  }
  return (
    <AppContext.Provider value={ctx}>
      <Shell>
        <Suspense fallback={<p class="muted">Loading…</p>}>{page}</Suspense>
      </Shell>
    </AppContext.Provider>
  );
}
