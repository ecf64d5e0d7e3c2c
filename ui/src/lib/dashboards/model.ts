// The subset of Grafana's dashboard JSON model (schemaVersion 39-41) that Vigie renders and
// edits, read defensively from whatever the server or a file holds: unknown fields are kept
// (so a save does not lose them), wrong types are replaced by defaults, never thrown on.

export interface GridPos {
  /** Column 0..23 */
  x: number;
  /** Row in 30 px units from the top of the dashboard. */
  y: number;
  /** Width in columns, 1..24 */
  w: number;
  /** Height in 30 px units, >= 1 */
  h: number;
}
export interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: string;
  hide?: boolean;
  interval?: string;
  [k: string]: unknown;
}
export interface ThresholdStep {
  color: string;
  /** null: the base step (from -Infinity). */
  value: number | null;
}
export interface Thresholds {
  mode?: 'absolute' | 'percentage';
  steps: ThresholdStep[];
}
export interface FieldDefaults {
  unit?: string;
  min?: number;
  max?: number;
  decimals?: number;
  thresholds?: Thresholds;
  color?: { mode?: string; fixedColor?: string };
  custom?: {
    fillOpacity?: number;
    stacking?: { mode?: string };
    thresholdsStyle?: { mode?: string };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
export interface Override {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}
export interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  gridPos: GridPos;
  targets?: Target[];
  fieldConfig?: { defaults?: FieldDefaults; overrides?: Override[] };
  options?: Record<string, unknown>;
  /** Rows only: the panels of a collapsed row. */
  panels?: Panel[];
  collapsed?: boolean;
  repeat?: string;
  repeatDirection?: 'h' | 'v';
  maxPerRow?: number;
  maxDataPoints?: number;
  interval?: string;
  [k: string]: unknown;
}
export interface VariableOption {
  text: string;
  value: string;
  selected?: boolean;
}
export interface VariableModel {
  name: string;
  type: string;
  label?: string;
  /** 0 shown, 1 label hidden, 2 variable hidden. */
  hide?: number;
  query?: unknown;
  definition?: string;
  regex?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
  current?: { text?: unknown; value?: unknown };
  options?: VariableOption[];
  /** 1 on dashboard load, 2 on time range change. */
  refresh?: number;
  sort?: number;
  [k: string]: unknown;
}
export interface Dashboard {
  uid?: string;
  title: string;
  tags: string[];
  panels: Panel[];
  templating: { list: VariableModel[] };
  time: { from: string; to: string };
  refresh?: string | false;
  version?: number;
  schemaVersion: number;
  [k: string]: unknown;
}

type Obj = Record<string, unknown>;
function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function num(v: unknown, dflt: number, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : dflt;
}
function str(v: unknown, dflt = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : dflt;
}

/** A gridPos with integers inside the 24-column grid (w shrunk so x + w <= 24). */
export function normalizeGridPos(raw: unknown): GridPos {
  const g = isObj(raw) ? raw : {};
  const x = num(g['x'], 0, 0, 23);
  const w = num(g['w'], 12, 1, 24 - x);
  return { x, y: num(g['y'], 0, 0, 1_000_000), w, h: num(g['h'], 8, 1, 200) };
}

export function normalizePanel(raw: unknown): Panel | undefined {
  if (!isObj(raw)) return undefined;
  const p: Panel = { ...raw, type: str(raw['type'], 'timeseries') || 'timeseries', gridPos: normalizeGridPos(raw['gridPos']) };
  if (raw['title'] !== undefined) p.title = str(raw['title']);
  if (raw['targets'] !== undefined) p.targets = Array.isArray(raw['targets']) ? raw['targets'].filter(isObj).map((t) => ({ ...t })) : [];
  if (raw['panels'] !== undefined) p.panels = Array.isArray(raw['panels']) ? raw['panels'].map(normalizePanel).filter((x): x is Panel => x !== undefined) : [];
  if (raw['fieldConfig'] !== undefined && !isObj(raw['fieldConfig'])) delete p.fieldConfig;
  if (raw['options'] !== undefined && !isObj(raw['options'])) delete p.options;
  return p;
}

function normalizeVariable(raw: unknown): VariableModel | undefined {
  if (!isObj(raw) || typeof raw['name'] !== 'string' || !/^\w+$/.test(raw['name'])) return undefined;
  return { ...raw, name: raw['name'], type: str(raw['type'], 'custom') };
}

/** Reads any JSON value as a dashboard; what is not a dashboard becomes an empty one titled "Untitled". */
export function normalizeDashboard(raw: unknown): Dashboard {
  const d = isObj(raw) ? raw : {};
  const time = isObj(d['time']) ? d['time'] : {};
  const templ = isObj(d['templating']) ? d['templating'] : {};
  const list = Array.isArray(templ['list']) ? templ['list'] : [];
  const out: Dashboard = {
    ...d,
    title: str(d['title']).trim() || 'Untitled',
    tags: Array.isArray(d['tags']) ? d['tags'].filter((t): t is string => typeof t === 'string') : [],
    panels: Array.isArray(d['panels']) ? d['panels'].map(normalizePanel).filter((x): x is Panel => x !== undefined) : [],
    templating: { ...templ, list: list.map(normalizeVariable).filter((x): x is VariableModel => x !== undefined) },
    time: { from: str(time['from'], 'now-6h') || 'now-6h', to: str(time['to'], 'now') || 'now' },
    schemaVersion: num(d['schemaVersion'], 39, 0, 1000),
  };
  if (d['uid'] !== undefined) out.uid = str(d['uid']);
  const r = d['refresh'];
  if (typeof r === 'string' || r === false) out.refresh = r;
  else delete out.refresh;
  return out;
}

/** A new empty dashboard (no uid: the server assigns one). */
export function emptyDashboard(title: string): Dashboard {
  return { title, tags: [], panels: [], templating: { list: [] }, time: { from: 'now-6h', to: 'now' }, refresh: '', schemaVersion: 39, editable: true };
}

/** All panels, rows' children included, in document order. */
export function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** The next free panel id. */
export function nextPanelId(d: Dashboard): number {
  return allPanels(d.panels).reduce((m, p) => Math.max(m, typeof p.id === 'number' ? p.id : 0), 0) + 1;
}
