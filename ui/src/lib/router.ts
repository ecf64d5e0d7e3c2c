// Client-side routes: the server answers index.html for every non-API path (src/server/ui-route.ts).

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'hosts' }
  | { readonly page: 'host'; readonly instance: string }
  | { readonly page: 'probes' }
  | { readonly page: 'alerts' }
  | { readonly page: 'explore' }
  | { readonly page: 'dashboards' }
  | { readonly page: 'dashboard'; readonly uid: string }
  | { readonly page: 'users' }
  | { readonly page: 'status' }
  | { readonly page: 'notFound'; readonly path: string };

/** Maps a pathname to a route; `/hosts/<instance>` keeps the instance URL-decoded (it may hold ':' or '/'). */
export function matchRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  switch (path) {
    case '/':
      return { page: 'overview' };
    case '/hosts':
      return { page: 'hosts' };
    case '/probes':
      return { page: 'probes' };
    case '/alerts':
      return { page: 'alerts' };
    case '/explore':
      return { page: 'explore' };
    case '/dashboards':
      return { page: 'dashboards' };
    case '/status':
      return { page: 'status' };
    case '/users':
      return { page: 'users' };
  }
  const d = /^\/dashboards\/([^/]+)$/.exec(path);
  if (d) {
    try {
      return { page: 'dashboard', uid: decodeURIComponent(d[1] ?? '') };
    } catch {
      return { page: 'notFound', path };
    }
  }
  const m = /^\/hosts\/(.+)$/.exec(path);
  if (m) {
    try {
      return { page: 'host', instance: decodeURIComponent(m[1] ?? '') };
    } catch {
      return { page: 'notFound', path };
    }
  }
  return { page: 'notFound', path };
}

export function hostPath(instance: string): string {
  return `/hosts/${encodeURIComponent(instance)}`;
}

export function dashboardPath(uid: string): string {
  return `/dashboards/${encodeURIComponent(uid)}`;
}
