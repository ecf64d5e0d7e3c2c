import { type Label, type Labels, METRIC_NAME } from '../../model/index.js';

/** Label helpers on sorted `Labels` arrays. All return new arrays; inputs are never mutated. */

/** Labels Prometheus drops together with the metric name (type-and-unit metadata). */
const METADATA = new Set([METRIC_NAME, '__type__', '__unit__']);

/** Drops `__name__`, `__type__` and `__unit__` (Prometheus' DropReserved(IsMetadataLabel)). */
export function dropMetricName(l: Labels): Labels {
  let has = false;
  for (const x of l) if (METADATA.has(x.name)) has = true;
  return has ? l.filter((x) => !METADATA.has(x.name)) : l;
}

/** Sets `name` to `value` (removes it when value is ''), keeping the order. */
export function setLabel(l: Labels, name: string, value: string): Labels {
  const out: Label[] = [];
  let done = false;
  for (const x of l) {
    if (!done && x.name >= name) {
      done = true;
      if (value !== '') out.push({ name, value });
      if (x.name === name) continue;
    }
    out.push(x);
  }
  if (!done && value !== '') out.push({ name, value });
  return out;
}

export function keepLabels(l: Labels, names: ReadonlySet<string>): Labels {
  return l.filter((x) => names.has(x.name));
}

export function removeLabels(l: Labels, names: ReadonlySet<string>): Labels {
  return l.filter((x) => !names.has(x.name));
}

/** A string key identifying the projection of `l` on (on=true) or without (on=false) `names`. */
export function signature(l: Labels, names: ReadonlySet<string>, on: boolean): string {
  let s = '';
  for (const x of l) if (names.has(x.name) === on) s += x.name + '\u0000' + x.value + '\u0001';
  return s;
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), used in messages. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = f.toExponential(); // shortest digits
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(e);
  if (!m) return String(f);
  const exp = Number(m[4]);
  if (exp < -4 || exp >= 6) {
    const digits = m[2]! + (m[3] ? '.' + m[3] : '');
    const ae = Math.abs(exp);
    return `${m[1]}${digits}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  return String(f);
}

/** Go's fmt `%.2g`. */
export function formatGoFloatPrec2(f: number): string {
  if (!Number.isFinite(f) || f === 0) return formatGoFloat(f);
  const e = f.toExponential(1);
  const m = /^(-?)(\d)(?:\.(\d))?e([+-]\d+)$/.exec(e);
  if (!m) return String(f);
  const exp = Number(m[4]);
  const mant = m[2]! + (m[3] && m[3] !== '0' ? '.' + m[3] : '');
  if (exp < -4 || exp >= 2) {
    const ae = Math.abs(exp);
    return `${m[1]}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  return String(Number(f.toPrecision(2)));
}
