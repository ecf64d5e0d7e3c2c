import type { Matcher } from '../model/index.js';

/** `{__name__="up",job=~"a.*"}`: matchers as a PromQL selector any Prometheus-compatible API reads. */
export function selectorString(matchers: readonly Matcher[]): string {
  return '{' + matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',') + '}';
}

/** A key equal for equal matcher lists (order kept: the engine passes them as parsed). */
export function matchersKey(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`).join('\u0001');
}

/**
 * ms → the seconds a Prometheus-compatible API accepts (ms precision), clamped to [0, 10^13 ms]:
 * remote stores refuse negative times, and the query API's "all time" bounds are far outside.
 */
export function apiTime(ms: number): string {
  const c = Math.min(Math.max(ms, 0), 1e13);
  return (c / 1000).toFixed(3);
}
