import { type Labels, labelsFromRecord } from '../../model/index.js';

/**
 * promtool's text renderings (cmd/promtool/unittest.go), so `vigie rules test` output reads
 * like `promtool test rules`.
 */

/** Go's labels.Labels.String(): `{a="1", b="2"}`, `__name__` included. */
export function goLabels(l: Labels | Readonly<Record<string, string>>): string {
  const ls = Array.isArray(l) ? (l as Labels) : labelsFromRecord(l as Record<string, string>);
  return `{${ls.map((x) => `${x.name}=${JSON.stringify(x.value)}`).join(', ')}}`;
}

/** Go's time.Duration.String() for whole ms: `0s`, `1m30s`, `1h0m0s`, `500ms`, `1.5s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = (rest / 1000).toString();
  const out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  return (neg ? '-' : '') + out;
}

/** strconv.FormatFloat(v, 'E', -1, 64): `1E+00`, `2.5E-01`, `NaN`, `+Inf`. */
export function goFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(v.toExponential());
  if (m === null) return String(v);
  return `${m[1]}E${m[2]}${m[3]!.padStart(2, '0')}`;
}

/** Indents every line but the first (promtool's indentLines). */
export function indentLines(text: string, indent: string): string {
  return text.split('\n').join(`\n${indent}`);
}

export interface LabelsAndAnnotations {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** promtool's labelsAndAnnotations.String(). */
export function alertsString(list: readonly LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const one = (a: LabelsAndAnnotations): string => `Labels:${goLabels(a.labels)}\nAnnotations:${goLabels(a.annotations)}`;
  return `[\n${list.map((a, i) => `${i}:${indentLines(`\n${one(a)}`, '  ')}`).join(',\n')}\n]`;
}
