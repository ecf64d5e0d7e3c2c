import type { Access } from './types.js';

/**
 * One line of the access policy. Rules match the *route pattern* fastify matched
 * (`request.routeOptions.url`, e.g. `/api/v1/users/:name`), never the raw URL, so that
 * percent-encoding or odd slashes cannot dodge a rule.
 */
export interface PolicyRule {
  /** Upper-case methods, or '*' for all. */
  readonly methods: readonly string[] | '*';
  /** A route pattern, or a prefix of route patterns when `prefix` is true. */
  readonly route: string;
  readonly prefix?: boolean;
  readonly access: Access;
  /** A POST that only reads (PromQL over a form): no CSRF token needed. */
  readonly read?: boolean;
}

const READ = ['GET', 'HEAD'] as const;
const CHANGE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const exact = (methods: PolicyRule['methods'], route: string, access: Access, read = false): PolicyRule => ({ methods, route, access, ...(read ? { read } : {}) });
const under = (methods: PolicyRule['methods'], route: string, access: Access): PolicyRule => ({ methods, route, prefix: true, access });

/**
 * Who may use which route; the first matching rule wins; a route matching none needs admin
 * (deny by default). Routes added by other modules must be listed here (or passed as extra
 * rules to createAuth) to be open to editors or viewers.
 */
export const DEFAULT_POLICY: readonly PolicyRule[] = [
  // Public: liveness for load balancers, the login itself, and the web UI's shell and static
  // files (the UI needs them to show its login page; all data comes from the API).
  ...['/-/healthy', '/-/ready', '/', '/index.html', '/login', '/favicon.ico', '/favicon.svg', '/robots.txt', '/manifest.webmanifest', '/*'].map((r) => exact(READ, r, 'public')),
  ...['/assets/', '/static/', '/ui/'].map((r) => under(READ, r, 'public')),
  exact(['POST'], '/api/v1/login', 'public'),

  // Admin: users, tokens, the audit log, TSDB admin, lifecycle.
  ...['/api/v1/admin/', '/api/v1/users', '/api/v1/tokens', '/api/v1/audit'].map((r) => under('*', r, 'admin')),
  exact('*', '/-/reload', 'admin'),
  exact('*', '/-/quit', 'admin'),

  // Ingest: an admin, or a token with write rights.
  exact(['POST', 'PUT'], '/api/v1/write', 'write'),
  under(['POST', 'PUT'], '/api/v1/import', 'write'),
  under(['POST'], '/api/v1/otlp/', 'write'),
  exact(['POST'], '/api/v2/alerts', 'write'),

  // Viewer: every read. PromQL endpoints are reads even when POSTed as forms (Grafana does).
  ...['/api/v1/query', '/api/v1/query_range', '/api/v1/query_exemplars', '/api/v1/series', '/api/v1/labels', '/api/v1/label/:name/values', '/api/v1/format_query', '/api/v1/parse_query', '/api/v1/read'].map((r) =>
    exact(['POST'], r, 'viewer', true),
  ),
  under(READ, '/api/', 'viewer'),
  ...['/metrics', '/federate', '/probe'].map((r) => exact(READ, r, 'viewer')),
  exact(['POST'], '/api/v1/logout', 'viewer'),

  // Editor: silences, dashboards, rules.
  ...['/api/v2/silences', '/api/v2/silence/', '/api/v1/silences', '/api/v1/dashboards', '/api/v1/rules'].map((r) => under(CHANGE, r, 'editor')),
];

/** What a request needs, and whether it is a read (no CSRF token needed). */
export interface Requirement {
  readonly access: Access;
  readonly read: boolean;
}

const ADMIN: Requirement = { access: 'admin', read: false };

/**
 * The requirement of `method` on the matched route pattern `route`; `route` undefined means
 * no route matched (a 404): viewer under /api/ (so that anonymous callers cannot probe the API),
 * public elsewhere (the not-found page). `rules` are searched in order, first match wins.
 */
export function requirementFor(method: string, route: string | undefined, path: string, rules: readonly PolicyRule[] = DEFAULT_POLICY): Requirement {
  if (route === undefined) return { access: path === '/api' || path.startsWith('/api/') ? 'viewer' : 'public', read: true };
  const m = method.toUpperCase();
  for (const r of rules) {
    if (r.methods !== '*' && !r.methods.includes(m)) continue;
    if (r.prefix === true ? route.startsWith(r.route) : route === r.route) {
      return { access: r.access, read: r.read === true || m === 'GET' || m === 'HEAD' || m === 'OPTIONS' };
    }
  }
  return ADMIN;
}
