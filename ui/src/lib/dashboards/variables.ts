// Template variables (templating.list): where their options come from, which value is
// selected, what they stand for in queries, and their place in the URL (?var-job=node).
import { ALL_VALUE, type VarScope, type VarValue, interpolate, referencedNames } from './interpolate';
import type { VariableModel, VariableOption } from './model';

export interface VarState {
  readonly model: VariableModel;
  readonly options: readonly VariableOption[];
  /** Selected values; [ALL_VALUE] for "All". */
  readonly current: readonly string[];
  readonly error?: string;
}

/** Where query variables get their options (the Prometheus API over the dashboard's range). */
export interface VarFetcher {
  labelNames(match: string | undefined): Promise<string[]>;
  labelValues(label: string, match: string | undefined): Promise<string[]>;
  /** Instant query: each result as Prometheus prints it, "name{a="b"} value timestamp_ms". */
  queryResult(expr: string): Promise<string[]>;
}

export type VarQuery =
  | { readonly kind: 'label_names'; readonly match?: string }
  | { readonly kind: 'label_values'; readonly label: string; readonly match?: string }
  | { readonly kind: 'metrics'; readonly regex: string }
  | { readonly kind: 'query_result'; readonly expr: string };

/** The query text of a variable: `query` as a string or Grafana's {query: "..."} object. */
export function variableQueryText(v: VariableModel): string {
  const q = v.query;
  if (typeof q === 'string') return q;
  if (typeof q === 'object' && q !== null && 'query' in q && typeof (q as { query: unknown }).query === 'string') return (q as { query: string }).query;
  return typeof v.definition === 'string' ? v.definition : '';
}

/** Parses a Prometheus variable query; an Error says what was expected. */
export function parseVarQuery(text: string): VarQuery | Error {
  const t = text.trim();
  let m = /^label_names\(\s*(.*?)\s*\)$/s.exec(t);
  if (m) return m[1] ? { kind: 'label_names', match: m[1] } : { kind: 'label_names' };
  m = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_]\w*)\s*\)$/s.exec(t);
  if (m) return m[1] ? { kind: 'label_values', label: m[2] ?? '', match: m[1] } : { kind: 'label_values', label: m[2] ?? '' };
  m = /^metrics\(\s*(.*?)\s*\)$/s.exec(t);
  if (m) return { kind: 'metrics', regex: m[1] ?? '' };
  m = /^query_result\(\s*(.+)\s*\)$/s.exec(t);
  if (m) return { kind: 'query_result', expr: m[1] ?? '' };
  return new Error(`unsupported variable query ${JSON.stringify(t.slice(0, 80))}: expected label_values(label), label_values(selector, label), label_names(), metrics(regex) or query_result(expr)`);
}

/** Splits Grafana's custom list "a, b\, c, text : value" into options. */
export function customOptions(query: string): VariableOption[] {
  const parts = query.match(/(?:\\,|[^,])+/g) ?? [];
  return parts
    .map((p) => p.trim().replace(/\\,/g, ','))
    .filter((p) => p !== '')
    .map((p) => {
      const kv = /^(.+?)\s+:\s+(.+)$/.exec(p);
      return kv ? { text: kv[1] ?? p, value: kv[2] ?? p } : { text: p, value: p };
    });
}

/** Compiles "/pattern/flags" (or a bare pattern); an Error for a bad one. */
export function compileRegex(src: string): RegExp | Error {
  const m = /^\/(.*)\/([gimsuy]*)$/s.exec(src);
  try {
    return m ? new RegExp(m[1] ?? '', (m[2] ?? '').replace('g', '')) : new RegExp(src);
  } catch (e) {
    return new Error(`bad regex ${JSON.stringify(src)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Grafana's variable regex: values that do not match are dropped; a match's named groups
 * "text"/"value", else its first group, else the whole value, gives the option. Duplicates go.
 */
export function applyVarRegex(values: readonly string[], regex: string | undefined): VariableOption[] | Error {
  const seen = new Set<string>();
  const out: VariableOption[] = [];
  const add = (text: string, value: string): void => {
    if (seen.has(value)) return;
    seen.add(value);
    out.push({ text, value });
  };
  if (regex === undefined || regex === '') {
    values.forEach((v) => add(v, v));
    return out;
  }
  const re = compileRegex(regex);
  if (re instanceof Error) return re;
  for (const v of values) {
    const m = re.exec(v);
    if (!m) continue;
    const g = m.groups ?? {};
    const value = g['value'] ?? g['text'] ?? m[1] ?? m[0];
    add(g['text'] ?? value, value);
  }
  return out;
}

/** Grafana's sort: 1/2 alphabetical asc/desc, 3/4 numerical, 5/6 case-insensitive; 0 as is. */
export function sortOptions(options: readonly VariableOption[], sort: number | undefined): VariableOption[] {
  const o = [...options];
  const numOf = (s: string): number => {
    const m = /-?\d+(\.\d+)?/.exec(s);
    return m ? Number(m[0]) : NaN;
  };
  const cmp: Record<number, (a: VariableOption, b: VariableOption) => number> = {
    1: (a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    3: (a, b) => (numOf(a.text) || 0) - (numOf(b.text) || 0),
    5: (a, b) => a.text.localeCompare(b.text, undefined, { sensitivity: 'base' }),
    7: (a, b) => a.text.localeCompare(b.text, undefined, { numeric: true, sensitivity: 'base' }),
  };
  const s = sort ?? 0;
  const base = cmp[s % 2 === 1 ? s : s - 1];
  if (base === undefined || s === 0) return o;
  return o.sort(s % 2 === 1 ? base : (a, b) => base(b, a));
}

/** The options of a variable, with its query interpolated through `scope` (the variables above it). */
export async function loadOptions(v: VariableModel, scope: VarScope, fetcher: VarFetcher): Promise<VariableOption[]> {
  const text = variableQueryText(v);
  switch (v.type) {
    case 'custom':
    case 'interval':
      return customOptions(text).filter((o) => !(v.type === 'interval' && o.value === 'auto'));
    case 'constant':
    case 'textbox':
      return text === '' ? [] : [{ text, value: text }];
    case 'datasource':
      return [{ text: 'Vigie', value: 'vigie' }];
    case 'query': {
      const q = parseVarQuery(interpolate(text, scope));
      if (q instanceof Error) throw q;
      let values: string[];
      if (q.kind === 'label_names') values = await fetcher.labelNames(q.match);
      else if (q.kind === 'label_values') values = await fetcher.labelValues(q.label, q.match);
      else if (q.kind === 'query_result') values = await fetcher.queryResult(q.expr);
      else {
        const re = compileRegex(q.regex);
        if (re instanceof Error) throw re;
        values = (await fetcher.labelValues('__name__', undefined)).filter((n) => re.test(n));
      }
      const opts = applyVarRegex(values, v.regex);
      if (opts instanceof Error) throw opts;
      return sortOptions(opts, v.sort);
    }
    default:
      throw new Error(`variable type "${v.type}" is not supported`);
  }
}

function asList(x: unknown): string[] {
  if (Array.isArray(x)) return x.map((e) => String(e));
  return typeof x === 'string' || typeof x === 'number' ? [String(x)] : [];
}

/**
 * The selection after (re)loading options: the URL's values when given, else the previous
 * selection, else the model's `current`, each kept only where it still exists; else the first
 * option ("All" when the variable has it). A textbox keeps any text.
 */
export function chooseCurrent(v: VariableModel, options: readonly VariableOption[], fromUrl: readonly string[] | undefined, previous: readonly string[] | undefined): string[] {
  const known = new Set(options.map((o) => o.value));
  const isAll = (x: readonly string[]): boolean => x.length === 1 && (x[0] === ALL_VALUE || x[0] === 'All') && v.includeAll === true;
  for (const cand of [fromUrl, previous, asList(v.current?.value)]) {
    if (cand === undefined || cand.length === 0) continue;
    if (isAll(cand)) return [ALL_VALUE];
    if (v.type === 'textbox' || v.type === 'constant') return [cand[0] ?? ''];
    const kept = cand.filter((x) => known.has(x));
    if (kept.length > 0) return v.multi === true ? kept : kept.slice(0, 1);
  }
  if (v.includeAll === true) return [ALL_VALUE];
  const first = options[0];
  return first === undefined ? [] : [first.value];
}

/** What a variable stands for in queries. */
export function varValue(s: VarState): VarValue {
  const all = s.current.length === 1 && s.current[0] === ALL_VALUE;
  const values = all ? s.options.map((o) => o.value) : [...s.current];
  const texts = values.map((x) => s.options.find((o) => o.value === x)?.text ?? x);
  const allValue = all && typeof s.model.allValue === 'string' && s.model.allValue !== '' ? s.model.allValue : undefined;
  return { values, texts: all ? ['All'] : texts, multiOrAll: s.model.multi === true || s.model.includeAll === true, ...(allValue === undefined ? {} : { allValue }) };
}

export function scopeOf(states: readonly VarState[]): Map<string, VarValue> {
  return new Map(states.map((s) => [s.model.name, varValue(s)]));
}

/** Names of the variables that use `changed`, directly or through others (in list order). */
export function dependents(models: readonly VariableModel[], changed: string): string[] {
  const hit = new Set([changed]);
  const out: string[] = [];
  for (const m of models) {
    if (hit.has(m.name)) continue;
    const refs = referencedNames(`${variableQueryText(m)} ${m.regex ?? ''}`);
    if ([...refs].some((r) => hit.has(r))) {
      hit.add(m.name);
      out.push(m.name);
    }
  }
  return out;
}

/** ?var-job=node&var-node=a&var-node=b → {job: [node], node: [a, b]}. */
export function varsFromSearch(search: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(search)) {
    if (!k.startsWith('var-')) continue;
    const name = k.slice(4);
    out.set(name, [...(out.get(name) ?? []), v]);
  }
  return out;
}

/** Writes the selections into `p` as var-<name> (replacing those there). */
export function varsToParams(states: readonly VarState[], p: URLSearchParams): void {
  for (const k of [...p.keys()]) if (k.startsWith('var-')) p.delete(k);
  for (const s of states) {
    if (s.model.type === 'constant' || s.model.type === 'datasource') continue;
    for (const v of s.current) p.append(`var-${s.model.name}`, v);
  }
}

/**
 * Resolves variables in list order (each sees the ones above it). With `only`, the others keep
 * their `prev` state untouched (a change re-resolves just its dependents). Selections prefer
 * `fromUrl`, then `prev`. A variable whose options cannot load carries `error` and no options.
 * `onProgress` sees the list after each variable (the bar fills in as they come).
 */
export async function resolveVariables(
  models: readonly VariableModel[],
  fetcher: VarFetcher,
  prev: readonly VarState[],
  fromUrl: ReadonlyMap<string, readonly string[]> | undefined,
  only?: ReadonlySet<string>,
  onProgress?: (states: readonly VarState[]) => void,
): Promise<VarState[]> {
  const out: VarState[] = [];
  for (const m of models) {
    const old = prev.find((s) => s.model.name === m.name);
    if (only !== undefined && !only.has(m.name) && old !== undefined) {
      out.push({ ...old, model: m });
      continue;
    }
    let options: VariableOption[] = [];
    let error: string | undefined;
    try {
      options = await loadOptions(m, scopeOf(out), fetcher);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const current = chooseCurrent(m, options, fromUrl?.get(m.name), old?.current);
    out.push(error === undefined ? { model: m, options, current } : { model: m, options, current, error });
    onProgress?.([...out, ...models.slice(out.length).map((mm) => prev.find((s) => s.model.name === mm.name) ?? { model: mm, options: [], current: [] })]);
  }
  return out;
}
