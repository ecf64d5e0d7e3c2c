import { z } from 'zod';
import { parseByteSize } from './size.js';
import { formatDuration, parseDuration } from './duration.js';
import { relabelConfigSchema } from '../relabel/index.js';
import { alertingConfigSchema } from '../notify/index.js';
import { DEFAULT_PROBE_MODULES, probeModulesSchema } from '../probe/index.js';
import type { VigieConfig } from './types.js';

/** Short description of a YAML value for messages: `"fifteen"`, `12`, `a map`, `a list`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

/**
 * A field written as text and parsed to a number (a duration in ms, a size in bytes), or
 * given directly as a number `acceptNumber` allows. `kind` names it in messages.
 */
function parsedField(kind: string, example: string, parse: (text: string) => number, acceptNumber: (n: number) => boolean, fallback: number) {
  return z
    .unknown()
    .transform((v, ctx): number => {
      if (typeof v === 'number' && acceptNumber(v)) return v;
      if (typeof v === 'string') {
        try {
          return parse(v);
        } catch (err) {
          if (err instanceof Error && /too large/.test(err.message)) {
            ctx.addIssue({ code: 'custom', message: `${kind} ${describeValue(v)} is too large` });
            return z.NEVER;
          }
        }
      }
      ctx.addIssue({ code: 'custom', message: `expected a ${kind} like ${example}, got ${describeValue(v)}` });
      return z.NEVER;
    })
    .default(fallback);
}

/** A duration field: a Prometheus duration string (or the number 0), parsed to ms. */
function duration(example: string, defaultMs: number) {
  return parsedField('duration', example, parseDuration, (n) => n === 0, defaultMs);
}

/** A byte-size field: a string like 512MB / 10GiB, or a whole number of bytes. */
function byteSize(example: string, defaultBytes: number) {
  return parsedField('size', example, parseByteSize, (n) => Number.isSafeInteger(n) && n >= 0, defaultBytes);
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const labelMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((m, ctx) => {
    for (const k of Object.keys(m)) {
      if (!LABEL_NAME_RE.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label name ${JSON.stringify(k)}` });
    }
  })
  .transform((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])));

const looseMap = z.record(z.string(), z.unknown());

const storageSchema = z.strictObject({
  retention: z
    .strictObject({
      time: duration('15d', 15 * 24 * 3600_000),
      size: byteSize('10GB', 0),
    })
    .prefault({}),
  wal: z
    .strictObject({
      segment_size: byteSize('64MiB', 64 * 2 ** 20),
      sync_interval: duration('1s', 1000),
    })
    .prefault({}),
  out_of_order_time_window: duration('10m', 0),
});

/** Names accepted in host.collectors; src/collect's tests check this equals its HOST_COLLECTOR_NAMES. */
const HOST_COLLECTOR_NAMES = ['cpu', 'diskstats', 'filefd', 'filesystem', 'loadavg', 'meminfo', 'netclass', 'netdev', 'processes', 'stat', 'time', 'uname', 'users'] as const;

/** A regexp string (JavaScript syntax, unanchored), checked to compile. */
function regexpString(defaultValue: string) {
  return z
    .string()
    .default(defaultValue)
    .superRefine((s, ctx) => {
      try {
        new RegExp(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid regular expression ${describeValue(s)}: ${err instanceof Error ? err.message : String(err)}` });
      }
    });
}

const hostSchema = z.strictObject({
  enabled: z.boolean().default(true),
  // Absent = global.scrape_interval; when present a positive duration.
  interval: z
    .unknown()
    .optional()
    .transform((v, ctx): number | undefined => {
      if (v === undefined) return undefined;
      if (typeof v === 'string') {
        try {
          const ms = parseDuration(v);
          if (ms > 0) return ms;
        } catch {
          // reported below
        }
      }
      ctx.addIssue({ code: 'custom', message: `expected a duration greater than 0 like 15s, got ${describeValue(v)}` });
      return z.NEVER;
    }),
  collectors: z.array(z.enum(HOST_COLLECTOR_NAMES)).optional(),
  filesystem: z
    .strictObject({
      mount_points_exclude: regexpString('^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'),
      fs_types_exclude: regexpString(
        '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$',
      ),
    })
    .prefault({}),
});

const optionalString = z.string().optional();
const limit = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0);

/** Prometheus' HTTP client settings, shared by scrape_configs, remote_write and query. */
const basicAuthSchema = z
  .strictObject({ username: z.string().default(''), password: optionalString, password_file: optionalString })
  .refine((b) => b.password === undefined || b.password_file === undefined, 'at most one of basic_auth password & password_file must be configured');
const authorizationSchema = z
  .strictObject({ type: z.string().default('Bearer'), credentials: optionalString, credentials_file: optionalString })
  .refine((a) => a.credentials === undefined || a.credentials_file === undefined, 'at most one of authorization credentials & credentials_file must be configured')
  .refine((a) => a.type.toLowerCase() !== 'basic', 'authorization type cannot be set to "basic", use "basic_auth" instead');
const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;
/** prometheus/common's TLSConfig: inline PEM (`ca`, `cert`, `key`) or files, at most one of each. */
const tlsConfigSchema = z
  .strictObject({
    ca: optionalString,
    cert: optionalString,
    key: optionalString,
    ca_file: optionalString,
    cert_file: optionalString,
    key_file: optionalString,
    server_name: optionalString,
    insecure_skip_verify: z.boolean().default(false),
    min_version: z.enum(TLS_VERSIONS).optional(),
    max_version: z.enum(TLS_VERSIONS).optional(),
  })
  .superRefine((t, ctx) => {
    const add = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    const set = (...xs: (string | undefined)[]): number => xs.filter((x) => x !== undefined && x !== '').length;
    if (set(t.ca, t.ca_file) > 1) add('ca_file', 'at most one of ca & ca_file must be configured');
    if (set(t.cert, t.cert_file) > 1) add('cert_file', 'at most one of cert & cert_file must be configured');
    if (set(t.key, t.key_file) > 1) add('key_file', 'at most one of key and key_file must be configured');
    const cert = set(t.cert, t.cert_file) > 0;
    const key = set(t.key, t.key_file) > 0;
    if (cert && !key) add('key_file', 'exactly one of key or key_file must be configured when a client certificate is configured');
    if (key && !cert) add('cert_file', 'exactly one of cert or cert_file must be configured when a client key is configured');
    if (t.min_version !== undefined && t.max_version !== undefined && t.max_version < t.min_version) {
      add('max_version', 'tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified');
    }
  });

/**
 * A key Vigie refuses with a clear message (the issue points at the key): `when(v)` says
 * whether the value asks for the feature (default: any value does).
 */
function refused(message: string, when: (v: unknown) => boolean = () => true) {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v !== undefined && v !== null && when(v)) ctx.addIssue({ code: 'custom', message, params: { at: 'key' } });
    })
    .transform((): undefined => undefined);
}

/** Refused keys of prometheus/common's HTTPClientConfig (proxies, OAuth 2.0): false / empty values ask for nothing. */
const refusedHttpClientKeys = {
  proxy_url: refused('proxy_url is not supported by Vigie (it connects directly)', (v) => v !== ''),
  no_proxy: refused('no_proxy is not supported by Vigie (proxies are not supported)', (v) => v !== ''),
  proxy_from_environment: refused('proxy_from_environment is not supported by Vigie (proxies are not supported)', (v) => v !== false),
  proxy_connect_header: refused('proxy_connect_header is not supported by Vigie (proxies are not supported)', (v) => !(typeof v === 'object' && Object.keys(v as object).length === 0)),
  oauth2: refused('oauth2 is not supported by Vigie (use authorization with a token, or basic_auth)'),
};

/** Prometheus' exposition protocols as scrape_protocols and fallback_scrape_protocol name them. */
const SCRAPE_PROTOCOLS = ['PrometheusProto', 'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusText0.0.4', 'PrometheusText1.0.0'] as const;
/** Prometheus' default scrape_protocols (without scrape_native_histograms). */
const DEFAULT_SCRAPE_PROTOCOLS = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'] as const;

/** `scrape_protocols`, validated as Prometheus does; Vigie also needs one text protocol (it has no protobuf parser). */
const scrapeProtocols = z
  .array(z.enum(SCRAPE_PROTOCOLS))
  .superRefine((ps, ctx) => {
    if (ps.length === 0) ctx.addIssue({ code: 'custom', message: 'scrape_protocols cannot be empty' });
    else if (new Set(ps).size !== ps.length) ctx.addIssue({ code: 'custom', message: `duplicated protocol in scrape_protocols, got [${ps.join(' ')}]` });
    else if (ps.every((p) => p === 'PrometheusProto')) ctx.addIssue({ code: 'custom', message: 'PrometheusProto alone is not supported by Vigie (no protobuf parser): add a text protocol such as PrometheusText0.0.4' });
  })
  .optional();

const globalSchema = z
  .strictObject({
    scrape_interval: duration('1m', 60_000),
    scrape_timeout: duration('10s', 10_000),
    evaluation_interval: duration('1m', 60_000),
    external_labels: labelMap.default({}),
    // Defaults of the scrape_configs' own keys (Prometheus 2.45+); 0 = no limit.
    sample_limit: limit,
    target_limit: limit,
    label_limit: limit,
    label_name_length_limit: limit,
    label_value_length_limit: limit,
    body_size_limit: byteSize('10MB', 0),
    keep_dropped_targets: limit,
    scrape_protocols: scrapeProtocols,
  })
  .superRefine((g, ctx) => {
    if (g.scrape_timeout > g.scrape_interval) {
      ctx.addIssue({ code: 'custom', path: ['scrape_timeout'], message: `${formatDuration(g.scrape_timeout)} must not be greater than scrape_interval (${formatDuration(g.scrape_interval)})` });
    }
  });

const staticConfigSchema = z.strictObject({
  targets: z
    .array(z.string())
    .default([])
    .superRefine((ts, ctx) => {
      for (const [i, t] of ts.entries()) {
        if (t === '' || t.includes('/')) ctx.addIssue({ code: 'custom', path: [i], message: `${JSON.stringify(t)} is not a valid hostname (write host:port)` });
      }
    }),
  labels: labelMap.default({}),
});

/** Prometheus' service discovery kinds Vigie lacks (static, file, http and dns are supported). */
const UNSUPPORTED_SD = ['aws', 'azure', 'consul', 'digitalocean', 'docker', 'dockerswarm', 'ec2', 'ecs', 'elasticache', 'eureka', 'gce', 'hetzner', 'ionos', 'kubernetes', 'kuma', 'lightsail', 'linode', 'marathon', 'msk', 'nerve', 'nomad', 'oci', 'openstack', 'outscale', 'ovhcloud', 'puppetdb', 'rds', 'scaleway', 'serverset', 'stackit', 'triton', 'uyuni', 'vultr'] as const;
const refusedSdKeys = Object.fromEntries(UNSUPPORTED_SD.map((k) => [`${k}_sd_configs`, refused('not supported by Vigie (supported: static_configs, file_sd_configs, http_sd_configs, dns_sd_configs)')])) as Record<`${(typeof UNSUPPORTED_SD)[number]}_sd_configs`, ReturnType<typeof refused>>;

/** Prometheus' http_sd_config and dns_sd_config (run by src/scrape/http-sd.ts and dns-sd.ts). */
const httpSdConfigSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
    refresh_interval: duration('60s', 60_000).refine((d) => d > 0, 'refresh_interval must be positive'),
    basic_auth: basicAuthSchema.optional(),
    authorization: authorizationSchema.optional(),
    tls_config: tlsConfigSchema.prefault({}),
    ...refusedHttpClientKeys,
  })
  .refine((c) => c.basic_auth === undefined || c.authorization === undefined, 'at most one of basic_auth and authorization must be configured');
const dnsSdConfigSchema = z
  .strictObject({
    names: z.array(z.string().min(1, 'a name must not be empty')).min(1, 'DNS-SD config must contain at least one SRV record name'),
    // Case-insensitive, as Prometheus.
    type: z
      .string()
      .default('SRV')
      .transform((t) => t.toUpperCase())
      .pipe(z.enum(['SRV', 'A', 'AAAA', 'MX', 'NS'])),
    port: z.int('port must be a whole number').min(0, 'port must not be negative').max(65535, 'port must be at most 65535').default(0),
    refresh_interval: duration('30s', 30_000).refine((d) => d > 0, 'refresh_interval must be positive'),
  })
  .refine((c) => c.type === 'SRV' || c.port !== 0, { path: ['port'], message: 'a port is required in DNS-SD configs for all record types except SRV' });

const scrapeConfigSchema = z
  .strictObject({
    job_name: z.string().min(1, 'job_name must not be empty'),
    // 0 = not set: resolved from `global` in configSchema below.
    scrape_interval: duration('15s', 0),
    scrape_timeout: duration('10s', 0),
    metrics_path: z.string().startsWith('/', 'metrics_path must start with /').default('/metrics'),
    scheme: z.enum(['http', 'https']).default('http'),
    params: z.record(z.string(), z.array(z.string())).default({}),
    honor_labels: z.boolean().default(false),
    honor_timestamps: z.boolean().default(true),
    static_configs: z.array(staticConfigSchema).default([]),
    file_sd_configs: z
      .array(
        z.strictObject({
          files: z.array(z.string().regex(/\.(json|ya?ml)$/, 'file_sd files must end in .json, .yml or .yaml')).min(1),
          // Files are also watched; the interval is the fallback re-read. 0 would re-read them in a loop.
          refresh_interval: duration('5m', 300_000).refine((d) => d > 0, 'refresh_interval must be positive'),
        }),
      )
      .default([]),
    http_sd_configs: z.array(httpSdConfigSchema).default([]),
    dns_sd_configs: z.array(dnsSdConfigSchema).default([]),
    relabel_configs: z.array(relabelConfigSchema).default([]),
    metric_relabel_configs: z.array(relabelConfigSchema).default([]),
    basic_auth: basicAuthSchema.optional(),
    authorization: authorizationSchema.optional(),
    tls_config: tlsConfigSchema.prefault({}),
    // 0 = not set: resolved from `global` in configSchema below (Prometheus' limits and sizes).
    sample_limit: limit,
    label_limit: limit,
    label_name_length_limit: limit,
    label_value_length_limit: limit,
    body_size_limit: byteSize('10MB', 0),
    target_limit: limit,
    keep_dropped_targets: limit,
    // Undefined = not set: global.scrape_protocols, else Prometheus' default.
    scrape_protocols: scrapeProtocols,
    fallback_scrape_protocol: z
      .enum(SCRAPE_PROTOCOLS)
      .refine((p) => p !== 'PrometheusProto', 'PrometheusProto is not supported by Vigie (no protobuf parser)')
      .optional(),
    track_timestamps_staleness: z.boolean().default(false),
    enable_compression: z.boolean().default(true),
    // Deprecated Prometheus forms of `authorization: {credentials(_file)}`; folded into it below.
    bearer_token: optionalString,
    bearer_token_file: optionalString,
    follow_redirects: z.boolean().default(true),
    // Accepted; Vigie scrapes over HTTP/1.1.
    enable_http2: z.boolean().default(true),
    ...refusedHttpClientKeys,
    ...refusedSdKeys,
  })
  .superRefine((s, ctx) => {
    // prometheus/common's HTTPClientConfig.Validate, for what Vigie accepts.
    const add = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    const token = s.bearer_token !== undefined && s.bearer_token !== '';
    const tokenFile = s.bearer_token_file !== undefined && s.bearer_token_file !== '';
    if (token && tokenFile) add('bearer_token_file', 'at most one of bearer_token & bearer_token_file must be configured');
    if (s.basic_auth !== undefined && (token || tokenFile)) add('basic_auth', 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
    if (s.authorization !== undefined && (token || tokenFile)) add('authorization', 'authorization is not compatible with bearer_token & bearer_token_file');
    if (s.basic_auth !== undefined && s.authorization !== undefined) add('authorization', 'at most one of basic_auth and authorization must be configured');
  })
  .transform(({ bearer_token, bearer_token_file, ...s }) => {
    if (s.authorization !== undefined || s.basic_auth !== undefined) return s;
    if (bearer_token_file !== undefined && bearer_token_file !== '') return { ...s, authorization: { type: 'Bearer', credentials_file: bearer_token_file } };
    if (bearer_token !== undefined && bearer_token !== '') return { ...s, authorization: { type: 'Bearer', credentials: bearer_token } };
    return s;
  });

const remoteWriteSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
    name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'name may hold only letters, digits, _ . and -').optional(),
    remote_timeout: duration('30s', 30_000),
    headers: z.record(z.string(), z.string()).default({}),
    basic_auth: z.strictObject({ username: z.string().default(''), password: optionalString, password_file: optionalString }).optional(),
    authorization: z.strictObject({ type: z.string().default('Bearer'), credentials: optionalString, credentials_file: optionalString }).optional(),
    bearer_token: optionalString,
    bearer_token_file: optionalString,
    tls_config: tlsConfigSchema.prefault({}),
    write_relabel_configs: z.array(relabelConfigSchema).default([]),
    queue_config: z
      .strictObject({
        capacity: z.number().int().positive().default(10_000),
        max_shards: z.number().int().positive().default(50),
        min_shards: z.number().int().positive().default(1),
        max_samples_per_send: z.number().int().positive().max(1_000_000).default(2_000),
        batch_send_deadline: duration('5s', 5_000),
        min_backoff: duration('30ms', 30),
        max_backoff: duration('5s', 5_000),
        retry_on_http_429: z.boolean().default(true),
        // 0 = no limit; older samples are dropped when queued and before each send attempt.
        sample_age_limit: duration('1h', 0),
        max_bytes: byteSize('1GiB', 2 ** 30),
      })
      .prefault({}),
    metadata_config: looseMap.default({}),
    // Accepted; Vigie sends float samples only, over HTTP/1.1, and a 3xx is a failed send.
    send_exemplars: z.boolean().default(false),
    send_native_histograms: z.boolean().default(false),
    follow_redirects: z.boolean().default(true),
    enable_http2: z.boolean().default(false),
    ...refusedHttpClientKeys,
    sigv4: refused('sigv4 is not supported by Vigie'),
    azuread: refused('azuread is not supported by Vigie'),
    google_iam: refused('google_iam is not supported by Vigie'),
  })
  .refine((r) => [r.basic_auth, r.authorization, r.bearer_token ?? r.bearer_token_file].filter((x) => x !== undefined).length <= 1, 'at most one of basic_auth, authorization and bearer_token(_file) must be configured');

/** Where queries (PromQL, the query API) read from: the local TSDB, or a remote Prometheus-compatible API. */
const querySchema = z
  .strictObject({
    remote_url: z.url({ protocol: /^https?$/, error: 'remote_url must be an http:// or https:// URL' }).optional(),
    remote_timeout: duration('30s', 30_000),
    headers: z.record(z.string(), z.string()).default({}),
    basic_auth: basicAuthSchema.optional(),
    authorization: authorizationSchema.optional(),
    lookback_delta: duration('5m', 5 * 60_000).refine((d) => d > 0, 'lookback_delta must be positive'),
    timeout: duration('2m', 120_000).refine((d) => d > 0, 'timeout must be positive'),
    max_samples: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).default(50_000_000),
  })
  .refine((q) => q.basic_auth === undefined || q.authorization === undefined, 'at most one of basic_auth and authorization must be configured');

/** A `probes:` job: targets probed with one blackbox module (names checked against probe_modules below). */
const probeJobSchema = z
  .strictObject({
    job_name: z.string().min(1, 'job_name must not be empty'),
    module: z.string().min(1, 'module must not be empty'),
    targets: z.array(z.string().min(1, 'a target must not be empty')).default([]),
    interval: duration('30s', 30_000).refine((d) => d > 0, 'interval must be positive'),
    // 0 = not set: the module's timeout, else the interval minus 10% (capped at 2m).
    timeout: duration('10s', 0),
    // 0 = no "slow" status; a successful probe longer than this is "slow".
    slow_threshold: duration('3s', 0),
    labels: labelMap.default({}),
  })
  .refine((j) => j.timeout <= j.interval, { path: ['timeout'], message: 'timeout must not be greater than interval' });

/** `auth:`: who may do what without credentials, how long a login lasts, how hard guessing is. */
const authSchema = z.strictObject({
  anonymous: z.enum(['viewer', 'none']).default('none'),
  session_ttl: duration('7d', 7 * 86_400_000).refine((d) => d > 0, 'session_ttl must be positive'),
  login_rate_limit: z
    .strictObject({
      failures: z.int('failures must be a whole number').min(1, 'failures must be at least 1').default(5),
      window: duration('15m', 15 * 60_000).refine((d) => d > 0, 'window must be positive'),
      lockout: duration('30s', 30_000).refine((d) => d > 0, 'lockout must be positive'),
    })
    .prefault({}),
});

/** The whole file. Strict everywhere except the sections owned by later work. */
const fileSchema = z.strictObject({
  global: globalSchema.prefault({}),
  storage: storageSchema.prefault({}),
  host: hostSchema.prefault({}),
  auth: authSchema.prefault({}),
  scrape_configs: z.array(scrapeConfigSchema).default([]),
  rule_files: z.array(z.string()).default([]),
  query: querySchema.prefault({}),
  remote_write: z
    .array(remoteWriteSchema)
    .default([])
    .superRefine((rs, ctx) => {
      const names = rs.map((r) => r.name).filter((n) => n !== undefined);
      for (const [i, r] of rs.entries()) if (r.name !== undefined && names.indexOf(r.name) !== names.lastIndexOf(r.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate remote write name ${JSON.stringify(r.name)}` });
    }),
  alerting: alertingConfigSchema.prefault({}),
  // blackbox_exporter's `modules:` map (src/probe owns its schema).
  probe_modules: probeModulesSchema.default({}),
  probes: z.array(probeJobSchema).default([]),
});

/**
 * The whole file, with cross-section rules: scrape interval/timeout default from
 * `global` (a timeout left unset is capped at the job's interval, as Prometheus
 * does), timeout ≤ interval, unique job names.
 */
export const configSchema = fileSchema.transform((c, ctx) => {
  const seen = new Set<string>();
  const scrape_configs = c.scrape_configs.map((s, i) => {
    if (seen.has(s.job_name)) ctx.addIssue({ code: 'custom', path: ['scrape_configs', i, 'job_name'], message: `found multiple scrape configs with job name ${JSON.stringify(s.job_name)}` });
    seen.add(s.job_name);
    const g = c.global;
    const scrape_interval = s.scrape_interval === 0 ? g.scrape_interval : s.scrape_interval;
    let scrape_timeout = s.scrape_timeout;
    if (scrape_timeout === 0) scrape_timeout = Math.min(g.scrape_timeout, scrape_interval);
    else if (scrape_timeout > scrape_interval) {
      ctx.addIssue({ code: 'custom', path: ['scrape_configs', i, 'scrape_timeout'], message: `${formatDuration(scrape_timeout)} must not be greater than scrape_interval (${formatDuration(scrape_interval)})` });
    }
    // As Prometheus' ScrapeConfig.Validate: a limit left at 0 takes the global one.
    const inherit = (own: number, global: number): number => (own === 0 ? global : own);
    return {
      ...s,
      scrape_interval,
      scrape_timeout,
      sample_limit: inherit(s.sample_limit, g.sample_limit),
      target_limit: inherit(s.target_limit, g.target_limit),
      label_limit: inherit(s.label_limit, g.label_limit),
      label_name_length_limit: inherit(s.label_name_length_limit, g.label_name_length_limit),
      label_value_length_limit: inherit(s.label_value_length_limit, g.label_value_length_limit),
      body_size_limit: inherit(s.body_size_limit, g.body_size_limit),
      keep_dropped_targets: inherit(s.keep_dropped_targets, g.keep_dropped_targets),
      scrape_protocols: s.scrape_protocols ?? g.scrape_protocols ?? DEFAULT_SCRAPE_PROTOCOLS,
    };
  });
  const probeJobs = new Set<string>();
  for (const [i, p] of c.probes.entries()) {
    if (probeJobs.has(p.job_name) || seen.has(p.job_name)) ctx.addIssue({ code: 'custom', path: ['probes', i, 'job_name'], message: `job name ${JSON.stringify(p.job_name)} is already used by another probe job or scrape config` });
    probeJobs.add(p.job_name);
    if (!(p.module in c.probe_modules) && !(p.module in DEFAULT_PROBE_MODULES)) {
      const known = [...new Set([...Object.keys(c.probe_modules), ...Object.keys(DEFAULT_PROBE_MODULES)])].sort().join(', ');
      ctx.addIssue({ code: 'custom', path: ['probes', i, 'module'], message: `unknown module ${JSON.stringify(p.module)} (not in probe_modules nor built in: ${known})` });
    }
  }
  return { ...c, scrape_configs };
});

// Compile-time check that the schema produces exactly what the rest of Vigie reads.
type SchemaOutput = z.output<typeof configSchema>;
const _check: (o: SchemaOutput) => VigieConfig = (o) => o;
void _check;
