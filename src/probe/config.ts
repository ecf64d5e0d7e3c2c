import { z } from 'zod';
import {
  goDuration,
  goRegexp,
  httpClientFields,
  httpHeadersSchema,
  ipProtocol,
  list,
  nullAsAbsent,
  optionalString,
  queryResponseSchema,
  scalarString,
  section,
  tlsConfigSchema,
  validateHttpClient,
} from './config-shared.js';
import { DNS_CLASSES, DNS_RCODES, DNS_TYPES } from './dns-names.js';
import { parseBase2Bytes } from './units.js';

/**
 * The `modules:` map of blackbox_exporter's blackbox.yml, as Vigie's `probe_modules:` accepts it:
 * the same keys, the same defaults, the same validation (config/config.go of blackbox_exporter
 * and HTTPClientConfig/TLSConfig of prometheus/common). Durations come out in ms, sizes in bytes.
 * Every sub-section is filled in with its defaults, whatever the prober.
 */

const flag = (fallback: boolean) => nullAsAbsent(z.boolean().default(fallback));

const headerMatchSchema = z
  .strictObject({ header: z.string().default(''), regexp: nullAsAbsent(goRegexp.default('')), allow_missing: flag(false) })
  .superRefine((h, ctx) => {
    if (h.header === '') ctx.addIssue({ code: 'custom', path: ['header'], message: 'header name must be set for HTTP header matchers' });
    if (h.regexp === '') ctx.addIssue({ code: 'custom', path: ['regexp'], message: 'regexp must be set for HTTP header matchers' });
  });

const bodySizeLimit = z.unknown().transform((v, ctx): number => {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' || typeof v === 'number' ? parseBase2Bytes(v) : undefined;
  if (n !== undefined) return n;
  ctx.addIssue({ code: 'custom', message: `expected a size like 1MB or 512KiB, got ${JSON.stringify(v)}` });
  return z.NEVER;
}).default(0);

/**
 * Whether `compression` is among the encodings an `Accept-Encoding` value accepts with a
 * non-zero quality (most preferred first; `*` stands for any), as blackbox_exporter checks it.
 */
export function acceptEncodingAllows(compression: string, acceptEncoding: string): boolean {
  if (compression === '' || acceptEncoding === '') return true;
  const entries = acceptEncoding.split(',').map((part) => {
    const semi = part.lastIndexOf(';');
    if (semi < 0) return { encoding: part.trim(), quality: 1 };
    const q = Number(part.slice(semi + 1).trim().replace(/^q=/, ''));
    return { encoding: part.slice(0, semi).trim(), quality: Number.isFinite(q) ? Math.round(q * 1000) / 1000 : 0 };
  });
  const sorted = entries.map((e, i) => ({ ...e, i })).sort((a, b) => b.quality - a.quality || a.i - b.i);
  for (const e of sorted) if (e.encoding === compression || e.encoding === '*') return e.quality > 0;
  return false;
}

const httpProbeSchema = z
  .strictObject({
    ...httpClientFields,
    valid_status_codes: list(z.number().int()),
    valid_http_versions: list(z.string()),
    preferred_ip_protocol: ipProtocol,
    ip_protocol_fallback: flag(true),
    skip_resolve_phase_with_proxy: flag(false),
    no_follow_redirects: nullAsAbsent(z.boolean().optional()),
    fail_if_ssl: flag(false),
    fail_if_not_ssl: flag(false),
    method: nullAsAbsent(z.string().default('GET')),
    headers: nullAsAbsent(z.record(z.string(), scalarString).default({})),
    fail_if_body_matches_regexp: list(goRegexp),
    fail_if_body_not_matches_regexp: list(goRegexp),
    fail_if_body_json_matches_cel: optionalString,
    fail_if_body_json_not_matches_cel: optionalString,
    fail_if_header_matches: list(headerMatchSchema),
    fail_if_header_not_matches: list(headerMatchSchema),
    body: optionalString,
    body_file: optionalString,
    compression: nullAsAbsent(z.enum(['', 'gzip', 'br', 'deflate', 'identity']).default('')),
    body_size_limit: bodySizeLimit,
    enable_http3: flag(false),
  })
  .superRefine((h, ctx) => {
    validateHttpClient(h, ctx);
    const add = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    if ((h.body ?? '') !== '' && (h.body_file ?? '') !== '') add(['body_file'], 'setting body and body_file both are not allowed');
    for (const [key, value] of Object.entries(h.headers)) {
      if (key.toLowerCase() === 'accept-encoding' && !acceptEncodingAllows(h.compression, value)) {
        add(['headers', key], `invalid configuration "${key}: ${value}", "compression: ${h.compression}": the Accept-Encoding header must accept the configured compression`);
      }
    }
    if (!h.enable_http3 && h.valid_http_versions.includes('HTTP/3.0')) add(['valid_http_versions'], 'HTTP/3 cannot be used as a valid HTTP version when enable_http3 is false');
    if (h.enable_http3) {
      if (h.valid_http_versions.some((v) => v === 'HTTP/2.0' || v === 'HTTP/1.1')) {
        add(['valid_http_versions'], 'HTTP/3 and HTTP/2.0/1.1 cannot be used together - only HTTP/3.0 is allowed when enable_http3 is true');
      }
      if (h.enable_http2) add(['enable_http2'], 'when enable_http3 is true, enable_http2 must be set to false');
    }
  })
  // The legacy no_follow_redirects wins over follow_redirects when given.
  .transform(({ no_follow_redirects, ...h }) => ({ ...h, follow_redirects: no_follow_redirects === undefined ? h.follow_redirects : !no_follow_redirects }));

const tcpProbeSchema = z.strictObject({
  preferred_ip_protocol: ipProtocol,
  ip_protocol_fallback: flag(true),
  source_ip_address: optionalString,
  query_response: list(queryResponseSchema),
  tls: flag(false),
  tls_config: tlsConfigSchema,
});

const unixProbeSchema = z.strictObject({ query_response: list(queryResponseSchema), tls: flag(false), tls_config: tlsConfigSchema });

const icmpProbeSchema = z.strictObject({
  preferred_ip_protocol: ipProtocol,
  ip_protocol_fallback: flag(true),
  source_ip_address: optionalString,
  payload_size: nullAsAbsent(z.number().int().min(0).max(65_000).default(0)),
  dont_fragment: flag(false),
  ttl: nullAsAbsent(
    z
      .number()
      .int()
      .default(64)
      .superRefine((t, ctx) => {
        if (t < 0) ctx.addIssue({ code: 'custom', message: '"ttl" cannot be negative' });
        if (t > 255) ctx.addIssue({ code: 'custom', message: '"ttl" cannot exceed 255' });
      }),
  ),
});

const rrValidatorSchema = section(
  z.strictObject({
    fail_if_matches_regexp: list(goRegexp),
    fail_if_all_match_regexp: list(goRegexp),
    fail_if_not_matches_regexp: list(goRegexp),
    fail_if_none_matches_regexp: list(goRegexp),
  }),
  {},
);

const dnsFieldsSchema = z
  .strictObject({
    preferred_ip_protocol: ipProtocol,
    ip_protocol_fallback: flag(true),
    dns_over_tls: flag(false),
    tls_config: tlsConfigSchema,
    source_ip_address: optionalString,
    transport_protocol: nullAsAbsent(z.enum(['udp', 'tcp']).default('udp')),
    // Empty = IN, ANY, NOERROR (resolved in the transform).
    query_class: nullAsAbsent(z.string().default('')),
    query_name: nullAsAbsent(scalarString.default('')),
    query_type: nullAsAbsent(z.string().default('')),
    recursion_desired: flag(true),
    valid_rcodes: list(z.string()),
    validate_answer_rrs: rrValidatorSchema,
    validate_authority_rrs: rrValidatorSchema,
    validate_additional_rrs: rrValidatorSchema,
  })
  .superRefine((d, ctx) => {
    const add = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    if (d.query_class !== '' && DNS_CLASSES[d.query_class] === undefined) add(['query_class'], `query class '${d.query_class}' is not valid (one of ${Object.keys(DNS_CLASSES).join(', ')})`);
    if (d.query_type !== '' && DNS_TYPES[d.query_type] === undefined) add(['query_type'], `query type '${d.query_type}' is not valid (e.g. A, AAAA, MX, TXT, SOA, ANY)`);
    for (const [i, r] of d.valid_rcodes.entries()) if (DNS_RCODES[r] === undefined) add(['valid_rcodes', i], `rcode '${r}' is not valid (e.g. NOERROR, NXDOMAIN, SERVFAIL)`);
  });

function dnsDefaults(d: z.output<typeof dnsFieldsSchema>) {
  return {
    ...d,
    query_class: d.query_class === '' ? 'IN' : d.query_class,
    query_type: d.query_type === '' ? 'ANY' : d.query_type,
    valid_rcodes: d.valid_rcodes.length === 0 ? ['NOERROR'] : d.valid_rcodes,
  };
}

const dnsProbeSchema = dnsFieldsSchema
  .superRefine((d, ctx) => {
    if (d.query_name === '') ctx.addIssue({ code: 'custom', path: ['query_name'], message: 'query name must be set for DNS module' });
  })
  .transform(dnsDefaults);

// A dns section written out must name its query; an absent one is blackbox's empty default.
const DNS_ABSENT = dnsDefaults(dnsFieldsSchema.parse({}));

const grpcProbeSchema = z.strictObject({
  service: nullAsAbsent(z.string().default('')),
  tls: flag(false),
  tls_config: tlsConfigSchema,
  ip_protocol_fallback: flag(true),
  preferred_ip_protocol: ipProtocol,
  metadata: nullAsAbsent(z.record(z.string(), list(scalarString)).default({})),
});

const websocketProbeSchema = z.strictObject({
  http_config: section(z.strictObject(httpClientFields).superRefine(validateHttpClient), {}),
  headers: httpHeadersSchema,
  query_response: list(queryResponseSchema),
  preferred_ip_protocol: ipProtocol,
  ip_protocol_fallback: flag(true),
});

export const PROBER_NAMES = ['http', 'tcp', 'dns', 'icmp', 'grpc', 'unix', 'websocket'] as const;
export type ProberName = (typeof PROBER_NAMES)[number];

export const probeModuleSchema = z
  .strictObject({
  prober: z.enum(PROBER_NAMES),
  /** ms; 0 = unset (the scrape's timeout applies). */
  timeout: goDuration,
  http: section(httpProbeSchema, {}),
  tcp: section(tcpProbeSchema, {}),
  icmp: section(icmpProbeSchema, {}),
  dns: nullAsAbsent(dnsProbeSchema.optional()),
  grpc: section(grpcProbeSchema, {}),
  unix: section(unixProbeSchema, {}),
  websocket: section(websocketProbeSchema, {}),
  })
  .transform((m) => ({ ...m, dns: m.dns ?? DNS_ABSENT }));

/** The `modules:` map: module name → module. Nothing (`probe_modules:`) = no modules. */
export const probeModulesSchema = z.preprocess((v) => v ?? {}, z.record(z.string().min(1, 'module name must not be empty'), probeModuleSchema));

/** A validated module: every section present with its defaults; `timeout` in ms, 0 = unset. */
export type ProbeModule = z.output<typeof probeModuleSchema>;
export type HttpProbeConfig = ProbeModule['http'];
export type TcpProbeConfig = ProbeModule['tcp'];
export type UnixProbeConfig = ProbeModule['unix'];
export type IcmpProbeConfig = ProbeModule['icmp'];
export type DnsProbeConfig = ProbeModule['dns'];
export type GrpcProbeConfig = ProbeModule['grpc'];
export type WebsocketProbeConfig = ProbeModule['websocket'];

/** Parses one module written in blackbox.yml syntax (e.g. the built-in ones); throws on an invalid one. */
export function parseProbeModule(raw: unknown): ProbeModule {
  return probeModuleSchema.parse(raw);
}
