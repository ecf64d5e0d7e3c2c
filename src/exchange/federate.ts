import { type Labels, type Matcher, isStaleNaN } from '../model/index.js';
import type { Queryable } from '../storage/index.js';
import { formatSeconds, formatSeriesText, formatValue } from './format.js';
import { metricNames, selectByName } from './select.js';

/** Prometheus' default lookback: a series whose newest sample is older is not federated. */
export const FEDERATE_LOOKBACK_MS = 5 * 60_000;

/** `text` is the Prometheus text format 0.0.4 (what Prometheus sends by default), `openmetrics` OpenMetrics 1.0. */
export type FederateFormat = 'text' | 'openmetrics';

export const FEDERATE_CONTENT_TYPES: Readonly<Record<FederateFormat, string>> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

export interface FederateRequest {
  /** One matcher list per `match[]`; the union is federated. */
  readonly selectors: readonly (readonly Matcher[])[];
  /** Evaluation time (ms): samples in [now - lookback, now] are considered. */
  readonly now: number;
  /** Default FEDERATE_LOOKBACK_MS. */
  readonly lookbackMs?: number;
  /** global.external_labels, added to series that lack them; sorted (build with labelsFrom*). */
  readonly externalLabels: Labels;
  readonly format: FederateFormat;
  readonly signal?: AbortSignal;
}

/**
 * What Prometheus' `/federate` answers: the newest sample of each matching series within the
 * lookback (series whose newest sample is a staleness marker are left out), grouped by metric
 * name (sorted) under a `# TYPE name untyped` line (`unknown` in OpenMetrics), with the
 * external labels added, and the sample's own timestamp (ms in text 0.0.4, seconds in
 * OpenMetrics, which ends with `# EOF`). Series without a metric name are left out.
 */
export async function federate(queryable: Queryable, req: FederateRequest): Promise<string> {
  const mint = req.now - (req.lookbackMs ?? FEDERATE_LOOKBACK_MS);
  const q = queryable.querier(mint, req.now);
  const om = req.format === 'openmetrics';
  const out: string[] = [];
  try {
    for (const name of await metricNames(q, req.selectors, false)) {
      let typed = false;
      for (const s of selectByName(q, req.selectors, name, { start: mint, end: req.now }, req.signal)) {
        const it = s.iterator();
        let t = NaN;
        let v = NaN;
        if (it.seek(mint)) {
          do {
            if (it.t > req.now) break;
            t = it.t;
            v = it.v;
          } while (it.next());
        }
        const err = it.err();
        if (err) throw err;
        if (Number.isNaN(t) || isStaleNaN(v)) continue;
        if (!typed) {
          out.push(`# TYPE ${name} ${om ? 'unknown' : 'untyped'}\n`);
          typed = true;
        }
        out.push(`${formatSeriesText(s.labels, req.externalLabels)} ${formatValue(v)} ${om ? formatSeconds(t) : String(t)}\n`);
      }
    }
  } finally {
    q.close();
  }
  if (om) out.push('# EOF\n');
  return out.join('');
}

/**
 * The format to answer with, from an `Accept` header: OpenMetrics when it asks for
 * `application/openmetrics-text` with a higher (or equal) q than `text/plain` and any
 * wildcard, else the text format 0.0.4 (also when the header is absent or asks for protobuf,
 * which Vigie does not write).
 */
export function federateFormat(accept: string | undefined): FederateFormat {
  if (accept === undefined || accept === '') return 'text';
  let om = -1;
  let other = -1;
  for (const part of accept.split(',')) {
    const [media = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    let qv = 1;
    for (const p of params) if (p.startsWith('q=')) qv = Number(p.slice(2)) || 0;
    if (qv <= 0) continue;
    if (media === 'application/openmetrics-text') om = Math.max(om, qv);
    else if (media === 'text/plain' || media === '*/*' || media === 'text/*') other = Math.max(other, qv);
  }
  return om >= 0 && om >= other ? 'openmetrics' : 'text';
}
