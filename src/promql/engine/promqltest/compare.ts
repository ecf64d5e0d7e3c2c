import { type Labels, compareLabels, formatLabels, isStaleNaN, labelsKey } from '../../../model/index.js';
import type { Result } from '../types.js';
import type { EvalCmd, Expect } from './script.js';

const MIN_NORMAL = 2.2250738585072014e-308;
const EPSILON = 1e-6;

/** Prometheus' float comparison for tests (util/almost with the stale-marker rule). */
export function almostEqual(e: number, a: number): boolean {
  const se = isStaleNaN(e), sa = isStaleNaN(a);
  if (se || sa) return se && sa;
  if (Number.isNaN(e) && Number.isNaN(a)) return true;
  if (e === a) return true;
  const d = Math.abs(e - a);
  const s = Math.abs(e) + Math.abs(a);
  if (e === 0 || a === 0 || s < MIN_NORMAL) return d < EPSILON * MIN_NORMAL;
  return d / Math.min(s, Number.MAX_VALUE) < EPSILON;
}

/** Compares a result with the expectations of an eval; returns an error text or undefined. */
export function compareResult(cmd: EvalCmd, res: Result, ordered: boolean): string | undefined {
  if (cmd.string !== undefined) {
    if (res.type !== 'string') return `expected string, got ${res.type}`;
    return res.value.v === cmd.string ? undefined : `expected string ${JSON.stringify(cmd.string)}, got ${JSON.stringify(res.value.v)}`;
  }
  if (cmd.scalar !== undefined) {
    if (res.type !== 'scalar') return `expected scalar, got ${res.type}`;
    return almostEqual(cmd.scalar, res.value.v) ? undefined : `expected scalar ${cmd.scalar}, got ${res.value.v}`;
  }
  if (cmd.instant && !cmd.rangeVector) {
    if (res.type !== 'vector') return `expected vector, got ${res.type}`;
    const exp = new Map<string, { labels: Labels; v: number; idx: number }>();
    cmd.series.forEach((s, idx) => exp.set(labelsKey(s.labels), { labels: s.labels, v: s.values[0]!, idx }));
    if (exp.size !== res.value.length) return `expected ${exp.size} series, got ${res.value.length}: ${res.value.map((x) => formatLabels(x.metric)).join(', ')}`;
    for (let i = 0; i < res.value.length; i++) {
      const el = res.value[i]!;
      const e = exp.get(labelsKey(el.metric));
      if (!e) return `unexpected series ${formatLabels(el.metric)}`;
      if (ordered && e.idx !== i) return `series ${formatLabels(el.metric)} at position ${i}, expected ${e.idx}`;
      if (!almostEqual(e.v, el.v)) return `${formatLabels(el.metric)}: expected ${e.v}, got ${el.v}`;
    }
    return undefined;
  }
  // Matrix results.
  if (res.type !== 'matrix') return `expected matrix, got ${res.type}`;
  for (let i = 1; i < res.value.length; i++) {
    if (compareLabels(res.value[i - 1]!.metric, res.value[i]!.metric) >= 0) return 'matrix is not sorted by labels';
  }
  const from = cmd.rangeVector ? cmd.rangeVector.from : cmd.start;
  const step = cmd.rangeVector ? cmd.rangeVector.step : cmd.step;
  const exp = new Map(cmd.series.map((s) => [labelsKey(s.labels), s]));
  if (exp.size !== res.value.length) return `expected ${exp.size} series, got ${res.value.length}: ${res.value.map((x) => formatLabels(x.metric)).join(', ')}`;
  for (const s of res.value) {
    const e = exp.get(labelsKey(s.metric));
    if (!e) return `unexpected series ${formatLabels(s.metric)}`;
    const et: number[] = [], ev: number[] = [];
    for (let i = 0; i < e.values.length; i++) {
      if (e.present[i]) {
        et.push(from + i * step);
        ev.push(e.values[i]!);
      }
    }
    if (et.length !== s.t.length) return `${formatLabels(s.metric)}: expected ${et.length} points, got ${s.t.length} (${Array.from(s.t).map((t, i) => `${t}:${s.v[i]}`).join(' ')})`;
    for (let i = 0; i < et.length; i++) {
      if (et[i] !== s.t[i]) return `${formatLabels(s.metric)}: point ${i} at ${s.t[i]}, expected at ${et[i]}`;
      if (!almostEqual(ev[i]!, s.v[i]!)) return `${formatLabels(s.metric)}: at ${et[i]} expected ${ev[i]}, got ${s.v[i]}`;
    }
  }
  return undefined;
}

/** Checks warn/info expectations; returns an error text or undefined. */
export function compareAnnotations(expects: readonly Expect[], res: Result): string | undefined {
  for (const kind of ['warn', 'info'] as const) {
    const got = kind === 'warn' ? res.warnings : res.infos;
    const lines = expects.filter((x) => x.type === kind);
    if (expects.some((x) => x.type === (kind === 'warn' ? 'no_warn' : 'no_info')) && got.length > 0) return `unexpected ${kind}: ${got.join('; ')}`;
    if (lines.length === 0) continue;
    const matches = (x: Expect, a: string): boolean => (x.msg !== undefined ? a === x.msg : x.regex !== undefined ? x.regex.test(a) : true);
    for (const x of lines) if (!got.some((a) => matches(x, a))) return `expected ${kind} ${x.msg ?? x.regex?.source ?? ''}, got [${got.join('; ')}]`;
    for (const a of got) if (!lines.some((x) => matches(x, a))) return `unexpected ${kind} ${a}`;
  }
  return undefined;
}
