import type { HttpProbeConfig } from './config.js';
import type { Prober, ProberContext } from './context.js';
import { readBody } from './http-body.js';
import { lookupHost } from './http-connect.js';
import { type Exchange, type ProbeResponse, exchange, fileText, firstHeader, headerValues } from './http-exchange.js';
import { compileGoRegexp } from './regexp.js';
import { resolveTarget } from './resolve.js';
import { HELP, type ProbeMetrics } from './result.js';
import { recordTLSMetrics } from './tls-metrics.js';

const PHASES = ['connect', 'tls', 'processing', 'transfer'] as const;
const MAX_REDIRECTS = 10;
const USER_AGENT = 'Vigie-Blackbox-Prober';
const H = {
  duration: 'Duration of http request by phase, summed over all redirects',
  contentLength: 'Length of http content response',
  uncompressed: 'Length of uncompressed response body',
  redirects: 'The number of redirects',
  ssl: 'Indicates if SSL was used for the final redirect',
  status: 'Response HTTP status code',
  version: 'Returns the version of HTTP of the probe response',
  cel: 'Indicates if probe failed due to CEL expression not matching',
  lastModified: 'Returns the Last-Modified HTTP response header in unixtime',
} as const;

/** Request headers from the module: headers, http_headers, authentication; Host handled by the caller. */
function requestHeaders(cfg: HttpProbeConfig): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const put = (k: string, v: string): void => {
    out[k.toLowerCase()] = [v];
  };
  for (const [name, h] of Object.entries(cfg.http_headers)) {
    out[name.toLowerCase()] = [...h.values, ...h.secrets, ...h.files.map((f) => fileText(f, `http_headers ${name} file`))];
  }
  for (const [k, v] of Object.entries(cfg.headers)) if (k.toLowerCase() !== 'host') put(k, v);
  if (cfg.basic_auth !== undefined) {
    const b = cfg.basic_auth;
    const user = b.username ?? (b.username_file !== undefined ? fileText(b.username_file, 'basic_auth username_file') : '');
    const pass = b.password ?? (b.password_file !== undefined ? fileText(b.password_file, 'basic_auth password_file') : '');
    put('Authorization', `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`);
  }
  const bearer = cfg.bearer_token ?? (cfg.bearer_token_file !== undefined ? fileText(cfg.bearer_token_file, 'bearer_token_file') : undefined);
  if (bearer !== undefined) put('Authorization', `Bearer ${bearer}`);
  if (cfg.authorization !== undefined) {
    const a = cfg.authorization;
    const cred = a.credentials ?? (a.credentials_file !== undefined ? fileText(a.credentials_file, 'authorization credentials_file') : '');
    put('Authorization', `${a.type ?? 'Bearer'} ${cred}`);
  }
  if (out['user-agent'] === undefined) put('User-Agent', USER_AGENT);
  if (cfg.compression !== '' && out['accept-encoding'] === undefined) put('Accept-Encoding', cfg.compression);
  return out;
}

/** fail_if_header_matches / fail_if_header_not_matches; returns the failure or undefined. */
function checkHeaders(res: ProbeResponse, cfg: HttpProbeConfig): string | undefined {
  for (const m of cfg.fail_if_header_matches) {
    const values = headerValues(res, m.header);
    if (values.length === 0) {
      if (!m.allow_missing) return `missing required header ${m.header}`;
      continue;
    }
    const re = compileGoRegexp(m.regexp);
    if (values.some((v) => re.test(v))) return `header ${m.header} matched regular expression ${JSON.stringify(m.regexp)}`;
  }
  for (const m of cfg.fail_if_header_not_matches) {
    const values = headerValues(res, m.header);
    if (values.length === 0) {
      if (!m.allow_missing) return `missing required header ${m.header}`;
      continue;
    }
    const re = compileGoRegexp(m.regexp);
    if (!values.some((v) => re.test(v))) return `header ${m.header} did not match regular expression ${JSON.stringify(m.regexp)}`;
  }
  return undefined;
}

function checkBody(text: string, cfg: HttpProbeConfig): string | undefined {
  for (const p of cfg.fail_if_body_matches_regexp) if (compileGoRegexp(p).test(text)) return `body matched regular expression ${JSON.stringify(p)}`;
  for (const p of cfg.fail_if_body_not_matches_regexp) if (!compileGoRegexp(p).test(text)) return `body did not match regular expression ${JSON.stringify(p)}`;
  return undefined;
}

function declareMetrics(m: ProbeMetrics): void {
  for (const phase of PHASES) m.declare('probe_http_duration_seconds', H.duration, { phase });
  m.declare('probe_http_content_length', H.contentLength);
  m.declare('probe_http_uncompressed_body_length', H.uncompressed);
  m.declare('probe_http_redirects', H.redirects);
  m.declare('probe_http_ssl', H.ssl);
  m.declare('probe_http_status_code', H.status);
  m.declare('probe_http_version', H.version);
  m.declare('probe_failed_due_to_regex', HELP.failedDueToRegex);
}

/**
 * The http prober (METRICS.md §5.1): one request, redirects followed up to 10 unless
 * follow_redirects is false, phases timed and summed over the chain, then the status, header,
 * body, version and TLS rules. HTTP/1.1 only (no HTTP/2 or HTTP/3).
 */
export const probeHTTP: Prober<HttpProbeConfig> = async (target, cfg, ctx) => {
  const m = ctx.metrics;
  declareMetrics(m);
  const phase = (name: string, seconds: number): void => m.add('probe_http_duration_seconds', H.duration, seconds, { phase: name });
  if (cfg.fail_if_body_json_matches_cel !== undefined || cfg.fail_if_body_json_not_matches_cel !== undefined) {
    m.declare('probe_failed_due_to_cel', H.cel);
    return 'CEL body rules (fail_if_body_json_*_cel) are not supported by Vigie yet';
  }
  if (cfg.enable_http3) return 'HTTP/3 is not supported by Vigie yet';
  if (cfg.oauth2 !== undefined) return 'oauth2 is not supported by Vigie yet';

  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(target) ? target : `http://${target}`);
  } catch {
    return `invalid target URL ${JSON.stringify(target)}`;
  }
  if (url.hostname === '') return `target ${JSON.stringify(target)} has no host`;
  const configuredHost = Object.entries(cfg.headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
  if (ctx.hostname !== undefined && configuredHost !== undefined && configuredHost !== ctx.hostname) {
    return `hostname parameter ${JSON.stringify(ctx.hostname)} conflicts with the module's Host header ${JSON.stringify(configuredHost)}`;
  }
  const headers = requestHeaders(cfg);
  const bodyText = cfg.body_file !== undefined && cfg.body_file !== '' ? fileText(cfg.body_file, 'body_file', false) : cfg.body;

  const skipResolve = cfg.skip_resolve_phase_with_proxy && (cfg.proxy_url !== undefined || cfg.proxy_from_environment);
  let address: string;
  if (skipResolve) address = url.hostname.replace(/^\[|\]$/g, '');
  else {
    const r = await resolveTarget(url.hostname, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, ctx);
    phase('resolve', r.lookupSeconds);
    address = r.address;
  }

  let method = cfg.method;
  let body = bodyText === '' ? undefined : bodyText;
  let redirects = 0;
  let host = configuredHost ?? ctx.hostname ?? url.host;
  // TLS server name: the Host header when one is set (module or hostname parameter), else the URL's host, as blackbox does.
  let serverName = (configuredHost ?? ctx.hostname)?.replace(/:\d+$/, '') ?? url.hostname.replace(/^\[|\]$/g, '');
  const cookies = new Map<string, string>();
  let ex: Exchange | undefined;
  let transferStart: number | undefined;
  let requestError: string | undefined;
  for (;;) {
    const reqHeaders = { ...headers };
    if (cookies.size > 0) reqHeaders.cookie = [[...cookies].map(([k, v]) => `${k}=${v}`).join('; ')];
    // A failed request (first or redirected) leaves no response: status 0, as blackbox reports it.
    ex = await exchange({ url, address, method, headers: reqHeaders, host, serverName, body }, cfg, ctx);
    const responseStart = performance.now();
    phase('connect', ex.conn.connectSeconds);
    phase('tls', ex.conn.tlsSeconds);
    phase('processing', (responseStart - ex.requestStart) / 1000);
    transferStart = responseStart;
    for (const c of headerValues(ex.res, 'set-cookie')) {
      const kv = /^([^=;\s]+)=([^;]*)/.exec(c);
      if (kv) cookies.set(kv[1]!, kv[2]!);
    }
    const status = ex.res.status;
    const location = firstHeader(ex.res, 'location');
    if (status < 300 || status >= 400 || status === 304 || location === undefined) break;
    ctx.log(`Received redirect location=${location}`);
    if (!cfg.follow_redirects) {
      ctx.log('Not following redirect');
      break;
    }
    if (redirects >= MAX_REDIRECTS) {
      requestError = `stopped after ${MAX_REDIRECTS} redirects`;
      break;
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      requestError = `invalid redirect location ${JSON.stringify(location)}`;
      break;
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      requestError = `redirect to unsupported scheme ${next.protocol}`;
      break;
    }
    ex.close();
    redirects++;
    if (status === 301 || status === 302 || status === 303) {
      if (method !== 'GET' && method !== 'HEAD') method = 'GET';
      body = undefined;
    }
    if (next.host !== url.host) {
      delete headers.authorization;
      host = next.host;
      serverName = next.hostname.replace(/^\[|\]$/g, '');
    }
    url = next;
    const start = performance.now();
    address = await lookupHost(url.hostname, ctx);
    phase('resolve', (performance.now() - start) / 1000);
  }
  m.set('probe_http_redirects', H.redirects, redirects);
  if (ex === undefined) return requestError ?? 'no response';
  try {
    return await evaluate(ex, cfg, ctx, transferStart ?? performance.now(), requestError, phase);
  } finally {
    ex.close();
  }
};

async function evaluate(ex: Exchange, cfg: HttpProbeConfig, ctx: ProberContext, transferStart: number, requestError: string | undefined, phase: (name: string, s: number) => void): Promise<string | undefined> {
  const m = ctx.metrics;
  const { res } = ex;
  const status = res.status;
  let failure: string | undefined = requestError;
  if (failure === undefined) {
    if (cfg.valid_status_codes.length > 0) {
      if (!cfg.valid_status_codes.includes(status)) failure = `status code ${status} is not in valid_status_codes [${cfg.valid_status_codes.join(', ')}]`;
    } else if (status < 200 || status >= 300) failure = `status code ${status} is not 2xx`;
  }
  if (failure === undefined && (cfg.fail_if_header_matches.length > 0 || cfg.fail_if_header_not_matches.length > 0)) {
    failure = checkHeaders(res, cfg);
    m.set('probe_failed_due_to_regex', HELP.failedDueToRegex, failure === undefined ? 0 : 1);
  }
  const wantsBodyRegex = cfg.fail_if_body_matches_regexp.length > 0 || cfg.fail_if_body_not_matches_regexp.length > 0;
  let bytes = 0;
  if (requestError === undefined) {
    const body = await readBody(res.body, cfg.compression, cfg.body_size_limit, wantsBodyRegex && failure === undefined, ctx);
    bytes = body.bytes;
    if (body.error !== undefined) failure ??= body.error;
    else if (failure === undefined && wantsBodyRegex) {
      failure = checkBody(body.text, cfg);
      m.set('probe_failed_due_to_regex', HELP.failedDueToRegex, failure === undefined ? 0 : 1);
    }
    phase('transfer', (performance.now() - transferStart) / 1000);
  }
  const lastModified = firstHeader(res, 'last-modified');
  if (lastModified !== undefined && !Number.isNaN(Date.parse(lastModified))) m.set('probe_http_last_modified_timestamp_seconds', 'Returns the Last-Modified HTTP response header in unixtime', Math.floor(Date.parse(lastModified) / 1000));
  const proto = `HTTP/${res.httpVersion}`;
  m.set('probe_http_version', H.version, Number(res.httpVersion) || 0);
  if (cfg.valid_http_versions.length > 0 && !cfg.valid_http_versions.includes(proto)) failure ??= `HTTP version ${proto} is not in valid_http_versions [${cfg.valid_http_versions.join(', ')}]`;
  if (ex.conn.tls !== undefined) {
    m.set('probe_http_ssl', H.ssl, 1);
    recordTLSMetrics(ex.conn.tls, m, { cipher: true, verified: !cfg.tls_config.insecure_skip_verify });
    if (cfg.fail_if_ssl) failure ??= 'final request was over TLS (fail_if_ssl)';
  } else if (cfg.fail_if_not_ssl && failure === undefined) failure = 'final request was not over TLS (fail_if_not_ssl)';
  m.set('probe_http_status_code', H.status, status);
  const cl = firstHeader(res, 'content-length');
  m.set('probe_http_content_length', H.contentLength, cl !== undefined && /^\d+$/.test(cl) && firstHeader(res, 'transfer-encoding') === undefined ? Number(cl) : -1);
  m.set('probe_http_uncompressed_body_length', H.uncompressed, bytes);
  return failure;
}
