import { METRIC_NAME, Matcher, labelsKey } from '../model/index.js';
import type { Querier, SelectHints, Series } from '../storage/index.js';

/**
 * Metric names of the series matching any selector, sorted; with `unnamed`, followed by ''
 * (standing for the series without a `__name__`, which remote write may store).
 */
export async function metricNames(q: Querier, selectors: readonly (readonly Matcher[])[], unnamed: boolean): Promise<string[]> {
  const names = new Set<string>();
  for (const sel of selectors) for (const n of await q.labelValues(METRIC_NAME, sel)) names.add(n);
  const out = [...names].sort();
  if (unnamed) out.push('');
  return out;
}

/**
 * The series named `name` ('' = without a name) that match any selector, each once, in label
 * order within a selector (a series matching several selectors comes with the first). Throws
 * the series set's error, if any, at its end.
 */
export function* selectByName(q: Querier, selectors: readonly (readonly Matcher[])[], name: string, hints?: SelectHints, signal?: AbortSignal): Generator<Series> {
  const seen = selectors.length > 1 ? new Set<string>() : undefined;
  for (const sel of selectors) {
    const set = q.select([...sel, new Matcher('=', METRIC_NAME, name)], hints, signal);
    while (set.next()) {
      const s = set.at();
      if (seen !== undefined) {
        const k = labelsKey(s.labels);
        if (seen.has(k)) continue;
        seen.add(k);
      }
      yield s;
    }
    const err = set.err();
    if (err) throw err;
  }
}
