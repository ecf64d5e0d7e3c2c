// Import and export in Grafana's formats: a dashboard as downloaded from grafana.com or
// exported from Grafana ("Export for sharing externally") comes in; the same shape goes out.
import { DashboardInvalidError } from './errors.js';
import { convertLegacyPanel } from './legacy.js';
import { type Dashboard, checkShape, parseDashboard } from './schema.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Vigie's built-in datasource: its own PromQL engine. */
export const VIGIE_DATASOURCE = { type: 'prometheus', uid: 'vigie' } as const;
/** Panel types Vigie renders. */
export const SUPPORTED_PANEL_TYPES: readonly string[] = ['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'text', 'row'];
/** The input name export uses, as Grafana's "Export for sharing externally" does for a Prometheus datasource. */
export const EXPORT_INPUT = 'DS_PROMETHEUS';

/** Datasources that are Grafana's own, not a data store: left alone, no warning. */
const BUILT_IN_TYPES = new Set(['datasource', 'grafana', '__expr__', 'dashboard', 'mixed']);
const BUILT_IN_NAMES = new Set(['-- Grafana --', '-- Mixed --', '-- Dashboard --', 'grafana', 'default']);

/** What an import request carries once unwrapped. */
export interface ImportRequest {
  readonly dashboard: Obj;
  readonly overwrite: boolean;
}

/**
 * Accepts the file as downloaded (`{title, panels, __inputs...}`) or Grafana's import API
 * shape `{dashboard, overwrite?, inputs?}` (inputs are ignored: the one datasource is Vigie's).
 */
export function unwrapImport(body: unknown): ImportRequest {
  if (!isObj(body)) throw new DashboardInvalidError(`expected a JSON object (a Grafana dashboard), got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`);
  if (body['title'] === undefined && body['dashboard'] !== undefined) {
    if (!isObj(body['dashboard'])) throw new DashboardInvalidError('dashboard: expected a JSON object (a Grafana dashboard)');
    const ow = body['overwrite'];
    if (ow !== undefined && typeof ow !== 'boolean') throw new DashboardInvalidError('overwrite: expected a boolean');
    if (body['inputs'] !== undefined && !Array.isArray(body['inputs'])) throw new DashboardInvalidError('inputs: expected an array');
    return { dashboard: body['dashboard'], overwrite: ow === true };
  }
  return { dashboard: body, overwrite: false };
}

/** `${NAME}` or `$NAME` → NAME; undefined for anything else. */
function variableName(s: string): string | undefined {
  return /^\$\{([A-Za-z0-9_]+)(?::[a-z]+)?\}$/.exec(s)?.[1] ?? /^\$([A-Za-z0-9_]+)$/.exec(s)?.[1];
}

/** A deep copy of `v` where `fn(key, value)` may replace the value of each object key; iterative-safe depth is checked beforehand. */
function mapDeep(v: unknown, fn: (key: string, value: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x: unknown) => mapDeep(x, fn));
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapDeep(fn(k, x), fn)]));
}

function eachPanel(panels: unknown, fn: (p: Obj) => Obj): unknown {
  if (!Array.isArray(panels)) return panels;
  return panels.map((p: unknown) => {
    if (!isObj(p)) return p;
    const q = fn(p);
    return q['panels'] === undefined ? q : { ...q, panels: eachPanel(q['panels'], fn) };
  });
}

const panelName = (p: Obj): string => `"${typeof p['title'] === 'string' && p['title'] !== '' ? p['title'] : `#${typeof p['id'] === 'number' ? p['id'] : '?'}`}"`;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Turns a downloaded or exported Grafana dashboard into what Vigie stores: drops `id`,
 * `__inputs`, `__requires`, `__elements` (library panels are inlined from `__elements`),
 * substitutes constant inputs, points datasource inputs and concrete Prometheus datasources at
 * Vigie's (`{type:"prometheus", uid:"vigie"}`), keeps references to a datasource variable
 * (whose current value becomes "vigie"), converts legacy panels; everything else is kept.
 * Warnings name each panel Vigie cannot render and each non-Prometheus datasource.
 */
export function normalizeImport(raw: Obj): { dashboard: Dashboard; warnings: string[] } {
  checkShape(raw, ['dashboard']);
  const warnings = new Set<string>();
  const inputs = new Map<string, { type: string; pluginId: string; value: unknown }>();
  for (const i of Array.isArray(raw['__inputs']) ? (raw['__inputs'] as unknown[]) : []) {
    if (isObj(i) && typeof i['name'] === 'string') inputs.set(i['name'], { type: str(i['type']), pluginId: str(i['pluginId']), value: i['value'] });
  }
  const elements = isObj(raw['__elements']) ? raw['__elements'] : {};
  const dsVariables = new Set<string>();
  const templating = isObj(raw['templating']) ? raw['templating'] : {};
  for (const v of Array.isArray(templating['list']) ? (templating['list'] as unknown[]) : []) {
    if (isObj(v) && v['type'] === 'datasource' && typeof v['name'] === 'string') dsVariables.add(v['name']);
  }

  const { id: _id, __inputs: _i, __requires: _r, __elements: _e, ...kept } = raw;
  // Constant inputs (`${VAR_X}`) are substituted everywhere, as Grafana's import does.
  const constants = [...inputs].filter(([, i]) => i.type === 'constant' && typeof i.value === 'string');
  let d = constants.length === 0 ? kept : (mapDeep(kept, (_k, v) => (typeof v === 'string' ? constants.reduce((s, [n, i]) => s.split(`\${${n}}`).join(i.value as string), v) : v)) as Obj);

  const datasource = (ds: unknown): unknown => {
    if (typeof ds === 'string') {
      const name = variableName(ds);
      if (name !== undefined && dsVariables.has(name)) return ds;
      const input = name === undefined ? undefined : inputs.get(name);
      if (input !== undefined && input.pluginId !== 'prometheus') {
        warnings.add(`datasource ${name ?? ds} is ${input.pluginId || 'not Prometheus'}: Vigie only answers PromQL`);
        return ds;
      }
      return BUILT_IN_NAMES.has(ds) ? ds : { ...VIGIE_DATASOURCE };
    }
    if (!isObj(ds)) return ds;
    const type = typeof ds['type'] === 'string' ? ds['type'] : undefined;
    const uid = typeof ds['uid'] === 'string' ? ds['uid'] : undefined;
    const name = uid === undefined ? undefined : variableName(uid);
    if (name !== undefined && dsVariables.has(name)) return ds;
    const input = name === undefined ? undefined : inputs.get(name);
    const plugin = input?.pluginId || type;
    if (plugin !== undefined && BUILT_IN_TYPES.has(plugin)) return ds;
    if (plugin === 'prometheus' || (plugin === undefined && uid !== undefined)) return { ...VIGIE_DATASOURCE };
    if (plugin !== undefined) {
      warnings.add(`datasource ${uid !== undefined ? `${uid} ` : ''}of type ${plugin} is not Prometheus: Vigie only answers PromQL`);
    }
    return ds;
  };
  d = mapDeep(d, (k, v) => (k === 'datasource' ? datasource(v) : v)) as Obj;

  // Datasource variables of Prometheus type now pick Vigie's.
  if (isObj(d['templating']) && Array.isArray(d['templating']['list'])) {
    const list = (d['templating']['list'] as unknown[]).map((v) => {
      if (!isObj(v) || v['type'] !== 'datasource') return v;
      if (v['query'] !== 'prometheus') {
        warnings.add(`variable ${String(v['name'])} selects ${String(v['query'])} datasources: Vigie only answers PromQL`);
        return v;
      }
      return { ...v, current: { selected: true, text: 'Vigie', value: VIGIE_DATASOURCE.uid }, options: [] };
    });
    d = { ...d, templating: { ...d['templating'], list } };
  }

  d = {
    ...d,
    panels: eachPanel(d['panels'], (p) => {
      let panel = p;
      const lib = isObj(p['libraryPanel']) && typeof p['libraryPanel']['uid'] === 'string' ? elements[p['libraryPanel']['uid']] : undefined;
      if (isObj(lib) && isObj(lib['model'])) {
        const model = mapDeep(lib['model'], (k, v) => (k === 'datasource' ? datasource(v) : v)) as Obj;
        const { libraryPanel: _lp, ...own } = p;
        panel = { ...model, ...own };
      }
      panel = convertLegacyPanel(panel);
      const type = panel['type'];
      if (typeof type !== 'string') warnings.add(`panel ${panelName(panel)} has no type${panel['libraryPanel'] !== undefined ? ' (a library panel not included in the file)' : ''}: Vigie cannot render it`);
      else if (!SUPPORTED_PANEL_TYPES.includes(type)) warnings.add(`panel ${panelName(panel)} (${type}) cannot be rendered by Vigie`);
      return panel;
    }),
  };
  if (d['panels'] === undefined) delete d['panels'];
  return { dashboard: parseDashboard(d, ['dashboard']), warnings: [...warnings] };
}

/** Grafana's file name for a dashboard: the title lower-cased, runs of other characters as '-'. */
export function slugOf(title: string, fallback: string): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return slug === '' ? fallback : slug;
}

/**
 * The stored dashboard as Grafana's "Export for sharing externally" writes it: `id: null`,
 * concrete Prometheus datasources as `${DS_PROMETHEUS}` with its `__inputs` entry (Grafana's
 * import then asks which datasource to use), datasource variables with no current value.
 */
export function exportDashboard(stored: Dashboard): Obj {
  const panelTypes = new Set<string>();
  eachPanel(stored['panels'], (p) => (typeof p['type'] === 'string' && p['type'] !== 'row' && panelTypes.add(p['type']), p));
  let d = mapDeep(stored, (k, v) => {
    if (k !== 'datasource') return v;
    if (isObj(v) && v['type'] === 'prometheus' && !(typeof v['uid'] === 'string' && variableName(v['uid']) !== undefined)) return { type: 'prometheus', uid: `\${${EXPORT_INPUT}}` };
    return v;
  }) as Obj;
  if (isObj(d['templating']) && Array.isArray(d['templating']['list'])) {
    const list = (d['templating']['list'] as unknown[]).map((v) => (isObj(v) && v['type'] === 'datasource' ? { ...v, current: {}, options: [] } : v));
    d = { ...d, templating: { ...d['templating'], list } };
  }
  const { id: _id, ...rest } = d;
  return {
    __inputs: [{ name: EXPORT_INPUT, label: 'Prometheus', description: '', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }],
    __elements: {},
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      ...[...panelTypes].sort().map((t) => ({ type: 'panel', id: t, name: t, version: '' })),
    ],
    id: null,
    ...rest,
  };
}
