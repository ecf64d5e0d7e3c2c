/**
 * How Go values are represented while a template runs:
 * nil = undefined or null; bool = boolean; int = bigint; float64 = number; string = string;
 * slices = arrays; maps = Map or plain objects (keys sorted when ranged or printed);
 * and the classes below for Go types with their own printing.
 */

/** A string that html-mode output writes as it is (html/template's `template.HTML`). */
export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** A `time.Time` (UTC, millisecond precision like Prometheus' model.Time). Prints like Go's time.Time.String(). */
export class GoTime {
  /** @param ms milliseconds since the Unix epoch */
  constructor(readonly ms: number) {}
  /** Go: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
  toString(): string {
    const d = new Date(this.ms);
    if (Number.isNaN(d.getTime())) return 'invalid time';
    const iso = d.toISOString(); // 2006-01-02T15:04:05.000Z (or ±YYYYYY- for far years)
    const m = /^(.*)T(\d\d:\d\d:\d\d)\.(\d{3})Z$/.exec(iso);
    if (m === null) return iso;
    const frac = m[3]!.replace(/0+$/, '');
    return `${m[1]!} ${m[2]!}${frac === '' ? '' : '.' + frac} +0000 UTC`;
  }
  /** Unix seconds (float), what `.Unix` would give in a template. */
  get Unix(): bigint {
    return BigInt(Math.floor(this.ms / 1000));
  }
}

/** One element of a `query` result, with Go's field names (`.Labels`, `.Value`). */
export class TemplateSample {
  constructor(
    readonly Labels: Readonly<Record<string, string>>,
    readonly Value: number,
  ) {}
}

export type GoMap = ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>;

export function isMap(v: unknown): v is GoMap {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Map entries with keys sorted like Go's (numbers numerically, strings by code unit). */
export function sortedEntries(m: GoMap): [unknown, unknown][] {
  const entries: [unknown, unknown][] = m instanceof Map ? [...m.entries()] : Object.entries(m);
  return entries.sort(([a], [b]) => {
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
    const sa = String(a);
    const sb = String(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

/** Looks a key up in a map. A missing key gives "" in a map of strings (Go's zero value), else undefined (nil). */
export function mapGet(m: GoMap, key: unknown): unknown {
  if (m instanceof Map) {
    if (m.has(key)) return m.get(key);
    return allStrings(m.values()) ? '' : undefined;
  }
  const k = String(key);
  if (Object.prototype.hasOwnProperty.call(m, k)) return (m as Record<string, unknown>)[k];
  return allStrings(Object.values(m)) ? '' : undefined;
}

function allStrings(values: Iterable<unknown>): boolean {
  for (const v of values) if (typeof v !== 'string') return false;
  return true;
}

export function mapSize(m: GoMap): number {
  return m instanceof Map ? m.size : Object.keys(m).length;
}

/** Go's template truth: false, 0, "", nil, empty slices and maps are false. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v !== '';
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof SafeHtml) return v.html !== '';
  if (isMap(v)) return mapSize(v) > 0;
  return true;
}

/** Go type name, for messages and fmt's `%!d(type=value)`. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'string') return 'string';
  if (v instanceof SafeHtml) return 'template.HTML';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof TemplateSample) return '*template.sample';
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((e) => e instanceof TemplateSample)) return 'template.queryResult';
    return v.length > 0 && v.every((e) => typeof e === 'string') ? '[]string' : '[]interface {}';
  }
  if (isMap(v)) {
    const vals = v instanceof Map ? [...v.values()] : Object.values(v);
    return vals.every((e) => typeof e === 'string') ? 'map[string]string' : 'map[string]interface {}';
  }
  if (typeof v === 'function') return 'func';
  return 'struct';
}
