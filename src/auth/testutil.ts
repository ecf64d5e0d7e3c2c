// Test plumbing for src/auth (imported by its tests only): an HTTP app with auth installed on
// the real server, routes standing for every kind of endpoint, and a cheap scrypt cost.
import { type Clock, ManualClock, silentLogger } from '../common/index.js';
import { type AuthConfig, parseConfig } from '../config/index.js';
import { type HttpServer, createHttpServer, createMetricsRegistry, remoteWriteRoute } from '../server/index.js';
import { type StateDb, openStateDb } from '../state/index.js';
import { Auth } from './service.js';

/** Fast hashes for tests (production uses DEFAULT_SCRYPT). */
export const TEST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 } as const;
export const T0 = Date.UTC(2024, 0, 15);

type Appendable = Parameters<typeof remoteWriteRoute>[0]['appendable'];

/** Counts appended samples; nothing is stored. */
export function countingAppendable(): { appendable: Appendable; samples: () => number } {
  let n = 0;
  const appendable: Appendable = {
    appender: () => ({
      append: (ref) => (n++, ref),
      commit: () => Promise.resolve(),
      rollback: () => undefined,
    }),
  };
  return { appendable, samples: () => n };
}

/** Routes that stand for what other modules add (silences, dashboards, rules...); each answers {changed: true}. */
export const STAND_IN_ROUTES: readonly (readonly [string, string])[] = [
  ['GET', '/api/v1/query'],
  ['POST', '/api/v1/query'],
  ['POST', '/api/v1/query_range'],
  ['GET', '/api/v2/silences'],
  ['POST', '/api/v2/silences'],
  ['DELETE', '/api/v2/silence/:id'],
  ['GET', '/api/v1/dashboards'],
  ['POST', '/api/v1/dashboards'],
  ['PUT', '/api/v1/dashboards/:id'],
  ['DELETE', '/api/v1/dashboards/:id'],
  ['POST', '/api/v1/rules'],
  ['POST', '/api/v2/alerts'],
  ['POST', '/api/v1/admin/tsdb/snapshot'],
  ['POST', '/api/v1/receivers/test'],
  ['PUT', '/api/v1/config'],
  ['GET', '/federate'],
  ['GET', '/debug/internal'],
];

export interface Harness {
  readonly auth: Auth;
  readonly server: HttpServer;
  readonly db: StateDb;
  readonly clock: ManualClock;
  readonly samples: () => number;
  setAuthConfig(yaml: string): void;
  close(): Promise<void>;
}

/** An HTTP app (not listening: use server.app.inject) with the real remote write route, stand-in routes and auth installed. */
export async function startHarness(opts: { authYaml?: string; envToken?: string; dbPath?: string; clock?: Clock; announce?: (t: string) => void } = {}): Promise<Harness> {
  const clock = new ManualClock(T0);
  let authConfig: AuthConfig = parseConfig(opts.authYaml ?? '', 'test.yml').config.auth;
  const db = openStateDb(opts.dbPath ?? ':memory:');
  const auth = await Auth.open({
    db,
    config: () => authConfig,
    clock,
    logger: silentLogger(),
    envToken: opts.envToken,
    scrypt: TEST_SCRYPT,
    announce: opts.announce ?? (() => undefined),
  });
  const { appendable, samples } = countingAppendable();
  const config = parseConfig('', 'test.yml').config;
  const server = createHttpServer(
    { logger: silentLogger(), registry: createMetricsRegistry('test'), isReady: () => true, reload: () => Promise.resolve(), config: () => config, version: 'test' },
    [
      remoteWriteRoute({ appendable, logger: silentLogger() }),
      (app) => {
        app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
        for (const [method, url] of STAND_IN_ROUTES) app.route({ method, url, handler: () => Promise.resolve({ changed: true }) });
      },
    ],
  );
  auth.install(server.app);
  return {
    auth,
    server,
    db,
    clock,
    samples,
    setAuthConfig: (yaml) => void (authConfig = parseConfig(yaml, 'test.yml').config.auth),
    close: async () => {
      await server.close();
      db.close();
    },
  };
}

/** The `name=value` of a Set-Cookie header, for sending back. */
export function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return (first ?? '').split(';', 1)[0] ?? '';
}
