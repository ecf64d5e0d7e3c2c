/** One label pair. Names follow Prometheus' rules; `__name__` holds the metric name. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/**
 * A series identity: label pairs sorted by name, names unique, no empty values
 * (an empty value means "label absent", as in Prometheus). Build with `labelsFrom*`
 * so the invariant holds; code that receives `Labels` may rely on it.
 */
export type Labels = readonly Label[];

export const METRIC_NAME = '__name__';

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts, drops empty values and rejects duplicate names. Throws `LabelsError`. */
export function labelsFromPairs(pairs: Iterable<readonly [string, string]>): Labels {
  const out: Label[] = [];
  for (const [name, value] of pairs) if (value !== '') out.push({ name, value });
  out.sort((a, b) => compareStrings(a.name, b.name));
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.name === out[i - 1]!.name) throw new LabelsError(`duplicate label name "${out[i]!.name}"`);
  }
  return out;
}

/** Convenience for tests and config: `labelsFromRecord({ __name__: 'up', job: 'node' })`. */
export function labelsFromRecord(rec: Readonly<Record<string, string>>): Labels {
  return labelsFromPairs(Object.entries(rec));
}

export class LabelsError extends Error {
  override readonly name = 'LabelsError';
}

/** Value of `name`, or '' when absent (Prometheus semantics). */
export function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}

/**
 * A string that identifies the label set exactly; equal sets give equal keys.
 * Uses separators that cannot occur in valid UTF-8 text (0xff is never emitted by
 * the JS string → UTF-8 path as a lone byte, and \u0000 separates pairs).
 */
export function labelsKey(labels: Labels): string {
  let s = '';
  for (const l of labels) s += l.name + '\u0000' + l.value + '\u0001';
  return s;
}

/** Total order over label sets, as Prometheus sorts series: pairwise by name, then value. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!, y = b[i]!;
    if (x.name !== y.name) return compareStrings(x.name, y.name);
    if (x.value !== y.value) return compareStrings(x.value, y.value);
  }
  return a.length - b.length;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || a[i]!.value !== b[i]!.value) return false;
  }
  return true;
}

/** `{__name__="up", job="x"}` rendered as `up{job="x"}`, with Go-style quoting. */
export function formatLabels(labels: Labels): string {
  let name = '';
  const parts: string[] = [];
  for (const l of labels) {
    if (l.name === METRIC_NAME) name = l.value;
    else parts.push(`${l.name}=${JSON.stringify(l.value)}`);
  }
  return parts.length === 0 && name !== '' ? name : `${name}{${parts.join(', ')}}`;
}
