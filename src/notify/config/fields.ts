import { z } from 'zod';

/**
 * Field schemas shared by the Alertmanager-shaped configuration: durations (Prometheus syntax,
 * parsed to ms), URLs, secrets, and Prometheus' common `http_config` / `tls_config`.
 */

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1] as const;

/** Parses a Prometheus duration (`30s`, `1h30m`, `0`) to ms; undefined when it is not one. */
export function parseAmDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = text === '' ? null : DURATION_RE.exec(text);
  if (m === null) return undefined;
  let total = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const d = m[i + 1];
    if (d !== undefined) total += Number(d) * (UNIT_MS[i] ?? 0);
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** Short description of a YAML value for messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'a list' : 'a map';
}

/** A duration written as a Prometheus duration string, in ms. */
export const durationMs = z.unknown().transform((v, ctx): number => {
  if (typeof v === 'string') {
    const ms = parseAmDuration(v);
    if (ms !== undefined) return ms;
  }
  if (v === 0) return 0;
  ctx.addIssue({ code: 'custom', message: `expected a duration like 30s or 1h30m, got ${describe(v)}` });
  return z.NEVER;
});

/** An absolute http(s) URL (Alertmanager's URL type: scheme and host required). */
export const urlString = z.string().superRefine((s, ctx) => {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `invalid URL ${describe(s)}` });
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `unsupported scheme ${JSON.stringify(u.protocol.replace(/:$/, ''))} for URL` });
  if (u.host === '') ctx.addIssue({ code: 'custom', message: `missing host for URL ${describe(s)}` });
});

/** A path to a file holding a secret or a URL; read at send time (not at load time). */
export const filePath = z.string().min(1, 'file path must not be empty');

/** Strings that YAML may have parsed as numbers (chat ids, ports, keys). */
export const stringish = z.union([z.string(), z.number()]).transform((v) => String(v));

/** Prometheus' common tls_config. */
export const tlsConfigSchema = z.strictObject({
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  ca_file: z.string().optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  ca_ref: z.string().optional(),
  cert_ref: z.string().optional(),
  key_ref: z.string().optional(),
  server_name: z.string().optional(),
  insecure_skip_verify: z.boolean().default(false),
  min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
  max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
}).superRefine((t, ctx) => {
  for (const k of ['ca', 'cert', 'key'] as const) {
    if (t[k] !== undefined && t[`${k}_file`] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `at most one of ${k} and ${k}_file must be configured` });
  }
  if ((t.cert !== undefined || t.cert_file !== undefined) !== (t.key !== undefined || t.key_file !== undefined)) {
    ctx.addIssue({ code: 'custom', message: 'exactly one of key and key_file must be configured when a client certificate is configured' });
  }
});
export type TlsConfig = z.output<typeof tlsConfigSchema>;

const basicAuthSchema = z.strictObject({
  username: z.string().optional(),
  username_file: z.string().optional(),
  password: z.string().optional(),
  password_file: z.string().optional(),
}).superRefine((b, ctx) => {
  if (b.username !== undefined && b.username_file !== undefined) ctx.addIssue({ code: 'custom', message: 'at most one of basic_auth username and username_file must be configured' });
  if (b.password !== undefined && b.password_file !== undefined) ctx.addIssue({ code: 'custom', message: 'at most one of basic_auth password and password_file must be configured' });
});

const authorizationSchema = z.strictObject({
  type: z.string().default('Bearer'),
  credentials: z.string().optional(),
  credentials_file: z.string().optional(),
}).superRefine((a, ctx) => {
  if (a.credentials !== undefined && a.credentials_file !== undefined) ctx.addIssue({ code: 'custom', message: 'at most one of authorization credentials and credentials_file must be configured' });
  if (a.type.toLowerCase() === 'basic') ctx.addIssue({ code: 'custom', path: ['type'], message: 'authorization type cannot be set to "basic", use "basic_auth" instead' });
});

const oauth2Schema = z.strictObject({
  client_id: z.string(),
  client_secret: z.string().optional(),
  client_secret_file: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  token_url: z.string(),
  endpoint_params: z.record(z.string(), z.string()).optional(),
  tls_config: tlsConfigSchema.optional(),
  proxy_url: z.string().optional(),
});

/** Prometheus' common http_config (client side). */
export const httpConfigSchema = z.strictObject({
  basic_auth: basicAuthSchema.optional(),
  authorization: authorizationSchema.optional(),
  bearer_token: z.string().optional(),
  bearer_token_file: z.string().optional(),
  oauth2: oauth2Schema.optional(),
  tls_config: tlsConfigSchema.optional(),
  proxy_url: z.string().optional(),
  no_proxy: z.string().optional(),
  proxy_from_environment: z.boolean().optional(),
  proxy_connect_header: z.record(z.string(), z.array(z.string())).optional(),
  follow_redirects: z.boolean().default(true),
  enable_http2: z.boolean().default(true),
  http_headers: z.record(z.string(), z.unknown()).optional(),
}).superRefine((h, ctx) => {
  const auths = [h.basic_auth, h.authorization, h.oauth2, h.bearer_token ?? h.bearer_token_file].filter((x) => x !== undefined);
  if (auths.length > 1) ctx.addIssue({ code: 'custom', message: 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file, authorization must be configured' });
  if (h.bearer_token !== undefined && h.bearer_token_file !== undefined) ctx.addIssue({ code: 'custom', message: 'at most one of bearer_token & bearer_token_file must be configured' });
  if (h.proxy_url !== undefined && h.proxy_url !== '') {
    try {
      new URL(h.proxy_url);
    } catch {
      // Go's url.Parse accepts relative references such as "foo"; only reject what it rejects.
      if (/\s/.test(h.proxy_url) || [...h.proxy_url].some((ch) => ch.charCodeAt(0) < 0x20)) ctx.addIssue({ code: 'custom', path: ['proxy_url'], message: `invalid proxy_url ${describe(h.proxy_url)}` });
    }
  }
  if (h.proxy_from_environment === true && h.proxy_url !== undefined) ctx.addIssue({ code: 'custom', message: 'if proxy_from_environment is configured, proxy_url must not be configured' });
});
export type HttpConfig = z.output<typeof httpConfigSchema>;

/** Adds an issue "at most one of a and b must be configured" when both keys are set. */
export function exclusive(ctx: z.RefinementCtx, obj: Readonly<Record<string, unknown>>, a: string, b: string, path: readonly (string | number)[] = []): void {
  if (obj[a] !== undefined && obj[a] !== '' && obj[b] !== undefined && obj[b] !== '') {
    ctx.addIssue({ code: 'custom', path: [...path, a], message: `at most one of ${a} & ${b} must be configured` });
  }
}
