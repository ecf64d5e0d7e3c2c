import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';

export interface StatusDeps {
  readonly version: string;
  readonly startTime: Date;
  /** The loaded configuration, as plain data (secrets are redacted here). */
  readonly config: () => unknown;
  /** The command-line flags the server was started with. */
  readonly flags: Readonly<Record<string, string>>;
  /** Storage figures for /api/v1/status/tsdb (Prometheus' shape: headStats, series counts by metric...). */
  readonly tsdbStatus: () => Promise<unknown>;
  readonly storageRetention: string;
}

/** /api/v1/status/{buildinfo,runtimeinfo,config,flags,tsdb} in Prometheus' shapes. */
export function registerStatusRoutes(app: FastifyInstance, deps: StatusDeps): void {
  app.get('/api/v1/status/buildinfo', () => Promise.resolve({
    status: 'success',
    data: { version: deps.version, revision: '', branch: '', buildUser: '', buildDate: '', goVersion: `node${process.versions.node}` },
  }));
  app.get('/api/v1/status/runtimeinfo', () => Promise.resolve({
    status: 'success',
    data: {
      startTime: deps.startTime.toISOString(),
      CWD: process.cwd(),
      reloadConfigSuccess: true,
      lastConfigTime: deps.startTime.toISOString(),
      corruptionCount: 0,
      goroutineCount: 0,
      GOMAXPROCS: 1,
      GOMEMLIMIT: 0,
      GOGC: '',
      GODEBUG: '',
      storageRetention: deps.storageRetention,
    },
  }));
  app.get('/api/v1/status/config', () => Promise.resolve({ status: 'success', data: { yaml: stringify(redactSecrets(deps.config())) } }));
  app.get('/api/v1/status/flags', () => Promise.resolve({ status: 'success', data: deps.flags }));
  app.get('/api/v1/status/tsdb', async () => ({ status: 'success', data: await deps.tsdbStatus() }));
}

/** Keys whose values are credentials: shown as `<secret>`, as Prometheus does. */
const SECRET_KEY = /^(password|credentials|bearer_token|api_key|auth_token|secret|token|client_secret|key)$/;

/** A deep copy of `v` with every credential value replaced by `<secret>`. */
export function redactSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redactSecrets);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && x !== undefined && x !== '' ? '<secret>' : redactSecrets(x);
  }
  return out;
}
