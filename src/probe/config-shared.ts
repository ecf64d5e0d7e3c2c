import { z } from 'zod';
import { RegexSyntaxError, translateRE2 } from '../model/index.js';
import { groupRepeatedAssertions } from './regexp.js';
import { parseGoDuration } from './units.js';

/**
 * Building blocks of the blackbox.yml schema shared by several probers: Go regexps,
 * Go durations, Prometheus' `tls_config` and `http_client_config` (github.com/prometheus/common).
 * Every object is strict: an unknown key is an error, as blackbox_exporter's strict decoding.
 */

/** `null` (a key written with nothing after it) is read as absent. */
export function nullAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema);
}

/** A sub-section: absent or null gives `fallback`. */
export function section<T extends z.ZodType>(schema: T, fallback: unknown) {
  return z.preprocess((v) => (v === null || v === undefined ? fallback : v), schema);
}

/** A list that may be written as nothing (`key:`); absent or null = []. */
export function list<T extends z.ZodType>(item: T) {
  return nullAsAbsent(z.array(item).default([]));
}

/** A YAML scalar read as text (Go's yaml decodes `1234` into a string field as "1234"). */
export const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
export const optionalString = nullAsAbsent(scalarString.optional());

/** Why a Go (RE2) regexp does not compile, or undefined when it does. */
export function regexpProblem(pattern: string): string | undefined {
  try {
    translateRE2(groupRepeatedAssertions(pattern));
    return undefined;
  } catch (err) {
    return err instanceof RegexSyntaxError ? err.problem : String(err);
  }
}

/** A Go regexp (unanchored, RE2 syntax), checked to compile. */
export const goRegexp = z.string().superRefine((s, ctx) => {
  const problem = regexpProblem(s);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `could not compile regular expression ${JSON.stringify(s)}: ${problem}` });
});

/** A Go duration (`5s`, `1.5s`, `1m30s`) in ms; absent = 0 (unset). */
export const goDuration = z
  .unknown()
  .transform((v, ctx): number => {
    if (v === undefined || v === null || v === 0) return 0;
    const ms = typeof v === 'string' ? parseGoDuration(v) : undefined;
    if (ms !== undefined) return ms;
    ctx.addIssue({ code: 'custom', message: `expected a duration like 5s or 1m30s, got ${JSON.stringify(v)}` });
    return z.NEVER;
  })
  .default(0);

export const ipProtocol = nullAsAbsent(z.enum(['ip4', 'ip6']).default('ip6'));

const TLS_VERSIONS = ['TLS10', 'TLS11', 'TLS12', 'TLS13'] as const;

export const tlsConfigSchema = section(
  z
    .strictObject({
      ca: optionalString,
      cert: optionalString,
      key: optionalString,
      ca_file: optionalString,
      cert_file: optionalString,
      key_file: optionalString,
      ca_ref: optionalString,
      cert_ref: optionalString,
      key_ref: optionalString,
      server_name: optionalString,
      insecure_skip_verify: nullAsAbsent(z.boolean().default(false)),
      min_version: nullAsAbsent(z.enum(TLS_VERSIONS).optional()),
      max_version: nullAsAbsent(z.enum(TLS_VERSIONS).optional()),
    })
    .superRefine((t, ctx) => {
      const count = (...xs: unknown[]): number => xs.filter((x) => x !== undefined && x !== '').length;
      if (count(t.ca, t.ca_file, t.ca_ref) > 1) ctx.addIssue({ code: 'custom', path: ['ca_file'], message: 'at most one of ca, ca_file & ca_ref must be configured' });
      if (count(t.cert, t.cert_file, t.cert_ref) > 1) ctx.addIssue({ code: 'custom', path: ['cert_file'], message: 'at most one of cert, cert_file & cert_ref must be configured' });
      if (count(t.key, t.key_file, t.key_ref) > 1) ctx.addIssue({ code: 'custom', path: ['key_file'], message: 'at most one of key and key_file must be configured' });
      const hasCert = count(t.cert, t.cert_file, t.cert_ref) > 0;
      const hasKey = count(t.key, t.key_file, t.key_ref) > 0;
      if (hasCert && !hasKey) ctx.addIssue({ code: 'custom', path: ['key_file'], message: 'exactly one of key or key_file must be configured when a client certificate is configured' });
      if (hasKey && !hasCert) ctx.addIssue({ code: 'custom', path: ['cert_file'], message: 'exactly one of cert or cert_file must be configured when a client key is configured' });
      if (t.min_version !== undefined && t.max_version !== undefined && t.max_version < t.min_version) {
        ctx.addIssue({ code: 'custom', path: ['max_version'], message: 'max_version must be greater than or equal to min_version' });
      }
    }),
  {},
);
export type ProbeTLSConfig = z.output<typeof tlsConfigSchema>;

const headerValues = z.strictObject({ values: list(scalarString), secrets: list(scalarString), files: list(z.string()) });

/** Prometheus' `http_headers` (each name with values, secrets and files); a plain string is read as one value. */
export const httpHeadersSchema = nullAsAbsent(
  z
    .record(z.string(), z.union([scalarString.transform((v) => ({ values: [v], secrets: [], files: [] })), headerValues]))
    .default({}),
);

/** The fields of Prometheus' HTTPClientConfig, written inline in `http:` (and under websocket's `http_config:`). */
export const httpClientFields = {
  basic_auth: nullAsAbsent(
    z
      .strictObject({ username: optionalString, username_file: optionalString, username_ref: optionalString, password: optionalString, password_file: optionalString, password_ref: optionalString })
      .optional(),
  ),
  authorization: nullAsAbsent(z.strictObject({ type: optionalString, credentials: optionalString, credentials_file: optionalString, credentials_ref: optionalString }).optional()),
  oauth2: nullAsAbsent(
    z
      .strictObject({
        client_id: optionalString,
        client_secret: optionalString,
        client_secret_file: optionalString,
        client_secret_ref: optionalString,
        client_certificate_key_id: optionalString,
        client_certificate_key: optionalString,
        client_certificate_key_file: optionalString,
        client_certificate_key_ref: optionalString,
        grant_type: optionalString,
        signature_algorithm: optionalString,
        iss: optionalString,
        audience: optionalString,
        claims: nullAsAbsent(z.record(z.string(), z.unknown()).optional()),
        scopes: list(z.string()),
        token_url: optionalString,
        endpoint_params: nullAsAbsent(z.record(z.string(), scalarString).default({})),
        tls_config: tlsConfigSchema,
        proxy_url: optionalString,
        no_proxy: optionalString,
        proxy_from_environment: nullAsAbsent(z.boolean().default(false)),
        proxy_connect_header: nullAsAbsent(z.record(z.string(), list(scalarString)).default({})),
      })
      .optional(),
  ),
  bearer_token: optionalString,
  bearer_token_file: optionalString,
  tls_config: tlsConfigSchema,
  follow_redirects: nullAsAbsent(z.boolean().default(true)),
  enable_http2: nullAsAbsent(z.boolean().default(true)),
  proxy_url: optionalString,
  no_proxy: optionalString,
  proxy_from_environment: nullAsAbsent(z.boolean().default(false)),
  proxy_connect_header: nullAsAbsent(z.record(z.string(), list(scalarString)).default({})),
  http_headers: httpHeadersSchema,
};

type HttpClientShape = z.output<z.ZodObject<typeof httpClientFields>>;

/** HTTPClientConfig.Validate of prometheus/common, reported at the offending key. */
export function validateHttpClient(c: HttpClientShape, ctx: z.RefinementCtx): void {
  const add = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
  const set = (v: string | undefined): boolean => v !== undefined && v !== '';
  const bearer = set(c.bearer_token) || set(c.bearer_token_file);
  if (set(c.bearer_token) && set(c.bearer_token_file)) add('bearer_token_file', 'at most one of bearer_token & bearer_token_file must be configured');
  if ([c.basic_auth !== undefined, c.oauth2 !== undefined, bearer].filter(Boolean).length > 1) add('bearer_token', 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  const b = c.basic_auth;
  if (b !== undefined) {
    if ([b.username, b.username_file, b.username_ref].filter(set).length > 1) add('basic_auth', 'at most one of basic_auth username, username_file & username_ref must be configured');
    if ([b.password, b.password_file, b.password_ref].filter(set).length > 1) add('basic_auth', 'at most one of basic_auth password, password_file & password_ref must be configured');
  }
  const a = c.authorization;
  if (a !== undefined) {
    if (bearer) add('authorization', 'authorization is not compatible with bearer_token & bearer_token_file');
    if ([a.credentials, a.credentials_file, a.credentials_ref].filter(set).length > 1) add('authorization', 'at most one of authorization credentials & credentials_file must be configured');
    if ((a.type ?? '').toLowerCase() === 'basic') add('authorization', 'authorization type cannot be set to "basic", use "basic_auth" instead');
    if (c.basic_auth !== undefined || c.oauth2 !== undefined) add('authorization', 'at most one of basic_auth, oauth2 & authorization must be configured');
  }
  const o = c.oauth2;
  if (o !== undefined) {
    if (!set(o.client_id)) add('oauth2', 'oauth2 client_id must be configured');
    if (!set(o.token_url)) add('oauth2', 'oauth2 token_url must be configured');
    if ([o.client_secret, o.client_secret_file, o.client_secret_ref].filter(set).length > 1) add('oauth2', 'at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured');
  }
  const hasConnectHeader = Object.keys(c.proxy_connect_header).length > 0;
  if (hasConnectHeader && !set(c.proxy_url) && !c.proxy_from_environment) add('proxy_connect_header', 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
  if (c.proxy_from_environment && set(c.proxy_url)) add('proxy_url', 'if proxy_from_environment is configured, proxy_url must not be configured');
  if (c.proxy_from_environment && set(c.no_proxy)) add('no_proxy', 'if proxy_from_environment is configured, no_proxy must not be configured');
  if (set(c.no_proxy) && !set(c.proxy_url)) add('no_proxy', 'if no_proxy is configured, proxy_url must also be configured');
  if (set(c.proxy_url)) {
    try {
      new URL(c.proxy_url!);
    } catch {
      add('proxy_url', `invalid proxy_url ${JSON.stringify(c.proxy_url)}`);
    }
  }
}

/** One step of a tcp/unix/websocket dialogue. `send` and `expect_bytes` may be `!!binary` (bytes). */
export const queryResponseSchema = z
  .strictObject({
    expect: nullAsAbsent(goRegexp.optional()),
    expect_bytes: nullAsAbsent(z.union([z.string(), z.instanceof(Uint8Array)]).optional()),
    labels: list(z.strictObject({ name: z.string(), value: scalarString.default('') })),
    send: nullAsAbsent(z.union([scalarString, z.instanceof(Uint8Array)]).optional()),
    starttls: nullAsAbsent(z.boolean().default(false)),
  })
  .superRefine((q, ctx) => {
    if (q.expect !== undefined && q.expect !== '' && q.expect_bytes !== undefined && q.expect_bytes.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['expect_bytes'], message: 'expect and expect_bytes are mutually exclusive' });
    }
  });
export type QueryResponseStep = z.output<typeof queryResponseSchema>;
