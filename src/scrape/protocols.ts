import type { ScrapeProtocol } from '../config/index.js';
import { ScrapeError } from './errors.js';

/** The media type (with version) of each protocol, as Prometheus' config.ScrapeProtocolsHeaders. */
const PROTOCOL_HEADERS: Readonly<Record<ScrapeProtocol, string>> = {
  PrometheusProto: 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
};

/**
 * The Accept header of a scrape, built as Prometheus' acceptHeader: each protocol in order
 * with q-weights from 0.<protocols+1> down, then `*\/*` one step lower; the 1.0.0 text formats
 * carry an escaping parameter. Vigie asks for `escaping=underscores` (its parser reads legacy
 * names only) and has no protobuf parser: PrometheusProto keeps its weight slot but is left out,
 * so the other entries get the weights Prometheus would give them.
 */
export function acceptHeader(protocols: readonly ScrapeProtocol[]): string {
  const vals: string[] = [];
  let weight = Object.keys(PROTOCOL_HEADERS).length + 1;
  for (const p of protocols) {
    const w = weight--;
    if (p === 'PrometheusProto') continue;
    const escaping = p === 'PrometheusText1.0.0' || p === 'OpenMetricsText1.0.0' ? ';escaping=underscores' : '';
    vals.push(`${PROTOCOL_HEADERS[p]}${escaping};q=0.${w}`);
  }
  vals.push(`*/*;q=0.${weight}`);
  return vals.join(',');
}

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const MEDIA_RE = new RegExp(`^\\s*(${TOKEN}/${TOKEN})\\s*`);
const PARAM_RE = new RegExp(`^;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")\\s*`);

/** The lower-cased media type of a Content-Type (RFC 9110 syntax), or undefined if it does not parse. */
export function mediaType(ct: string): string | undefined {
  const m = MEDIA_RE.exec(ct);
  if (m === null) return undefined;
  let rest = ct.slice(m[0].length);
  while (rest !== '') {
    if (/^;\s*$/.test(rest)) break; // a trailing `;`
    const p = PARAM_RE.exec(rest);
    if (p === null) return undefined;
    rest = rest.slice(p[0].length);
  }
  return m[1]!.toLowerCase();
}

/**
 * The Content-Type to parse a response with, as Prometheus' textparse.New picks it: a known
 * media type as sent; a missing, unparsable or unknown one is replaced by
 * `fallback_scrape_protocol` when the job has one. Without one, Vigie keeps reading such a
 * response as the Prometheus text format (Prometheus 2's behaviour; Prometheus 3 fails the
 * scrape). Protobuf responses fail: Vigie has no protobuf parser.
 */
export function effectiveContentType(ct: string | undefined, fallback: ScrapeProtocol | undefined): string | undefined {
  const media = ct === undefined || ct === '' ? undefined : mediaType(ct);
  if (media === 'application/openmetrics-text' || media === 'text/plain') return ct;
  if (media === 'application/vnd.google.protobuf') throw new ScrapeError(`received Content-Type ${JSON.stringify(ct)}: the protobuf exposition format is not supported by Vigie`);
  return fallback !== undefined ? PROTOCOL_HEADERS[fallback] : ct;
}
