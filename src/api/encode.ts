import type { Labels } from '../model/index.js';
import type { Result } from '../promql/index.js';

/**
 * A float as Prometheus writes it in JSON (Go's strconv.FormatFloat(v, 'f', -1, 64)):
 * shortest round-trip digits, never an exponent; NaN, +Inf, -Inf spelled out.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // Expand d.ddde±x into plain decimal notation.
  const neg = s.startsWith('-');
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const [int, frac = ''] = mant.split('.');
  const digits = int! + frac;
  const point = int!.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

export function labelsObject(l: Labels): Record<string, string> {
  const o: Record<string, string> = {};
  for (const { name, value } of l) o[name] = value;
  return o;
}

/** `t` in ms as Prometheus' JSON seconds (a number with up to 3 decimals). */
const sec = (t: number): number => t / 1000;

/** The `data` member of a query response: {resultType, result}. */
export function encodeResult(r: Result): { resultType: string; result: unknown } {
  switch (r.type) {
    case 'scalar':
    case 'string':
      return { resultType: r.type, result: [sec(r.value.t), r.type === 'scalar' ? formatValue(r.value.v) : r.value.v] };
    case 'vector':
      return { resultType: 'vector', result: r.value.map((e) => ({ metric: labelsObject(e.metric), value: [sec(e.t), formatValue(e.v)] })) };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: r.value.map((s) => {
          const values: [number, string][] = new Array<[number, string]>(s.t.length);
          for (let i = 0; i < s.t.length; i++) values[i] = [sec(s.t[i]!), formatValue(s.v[i]!)];
          return { metric: labelsObject(s.metric), values };
        }),
      };
  }
}
