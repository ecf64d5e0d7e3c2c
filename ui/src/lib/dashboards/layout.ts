// Grafana's layout: a 24-column grid (gridPos), rows (type "row") that either hold their panels
// (collapsed: in `panels`) or are followed by them in the top-level list (expanded), and
// panels repeated once per value of a variable.
import type { GridPos, Panel } from './model';

export interface Section {
  /** undefined: the panels above the first row. */
  readonly row: Panel | undefined;
  readonly collapsed: boolean;
  /** The section's panels with y relative to the section's top (0-based). */
  readonly panels: readonly PlacedPanel[];
}
/** A panel's place in the model: in the top-level list, or in the `panels` of the collapsed row at top-level index `row`. */
export interface PanelRef {
  readonly row: number | undefined;
  readonly index: number;
}
export interface PlacedPanel {
  readonly panel: Panel;
  readonly pos: GridPos;
  /** Where the panel is in the model (repeats share it). */
  readonly ref: PanelRef;
  /** For repeated panels: the value of the repeat variable for this copy. */
  readonly scopedVars?: Readonly<Record<string, string>>;
  /** A key unique on the page. */
  readonly key: string;
}

/**
 * Splits the top-level panel list into sections. `toggled` holds the ids (or indexes, as
 * "i<index>") of rows whose collapsed state the viewer flipped. `repeatValues(name)` gives the
 * values a repeat over variable `name` produces (none: the panel is shown once, unrepeated).
 */
export function buildSections(panels: readonly Panel[], toggled: ReadonlySet<string>, repeatValues: (name: string) => readonly string[] = () => []): Section[] {
  const sections: { row: Panel | undefined; rowIndex: number; items: { p: Panel; i: number }[] }[] = [{ row: undefined, rowIndex: -1, items: [] }];
  panels.forEach((p, i) => {
    if (p.type === 'row') sections.push({ row: p, rowIndex: i, items: [] });
    else sections[sections.length - 1]?.items.push({ p, i });
  });
  return sections
    .filter((s) => s.row !== undefined || s.items.length > 0)
    .map((s) => {
      const key = rowKey(s.row, s.rowIndex);
      const modelCollapsed = s.row?.collapsed === true;
      const collapsed = toggled.has(key) ? !modelCollapsed : modelCollapsed;
      // A row collapsed in the model keeps its panels inside; one expanded in the model is followed by them.
      const items = modelCollapsed ? (s.row?.panels ?? []).map((p, i) => ({ p, i })) : s.items;
      return { row: s.row, collapsed, panels: collapsed ? [] : placePanels(items, modelCollapsed ? s.rowIndex : undefined, key, repeatValues) };
    });
}

export function rowKey(row: Panel | undefined, index: number): string {
  return row === undefined ? 'top' : typeof row.id === 'number' ? `id${row.id}` : `i${index}`;
}

function placePanels(items: readonly { p: Panel; i: number }[], row: number | undefined, sectionKey: string, repeatValues: (name: string) => readonly string[]): PlacedPanel[] {
  const sorted = [...items].sort((a, b) => a.p.gridPos.y - b.p.gridPos.y || a.p.gridPos.x - b.p.gridPos.x);
  const top = sorted.reduce((m, { p }) => Math.min(m, p.gridPos.y), Infinity);
  const out: PlacedPanel[] = [];
  // Extra height added by vertical or wrapped repeats, applied to what lies below.
  const shifts: { fromY: number; by: number }[] = [];
  const shiftFor = (y: number): number => shifts.reduce((s, sh) => (y >= sh.fromY ? s + sh.by : s), 0);
  for (const { p, i } of sorted) {
    const base: GridPos = { ...p.gridPos, y: p.gridPos.y - (Number.isFinite(top) ? top : 0) + shiftFor(p.gridPos.y) };
    const values = p.repeat !== undefined && p.repeat !== '' ? repeatValues(p.repeat) : [];
    if (values.length === 0) {
      out.push({ panel: p, pos: base, ref: { row, index: i }, key: `${sectionKey}-${i}` });
      continue;
    }
    const name = p.repeat ?? '';
    if (p.repeatDirection === 'v') {
      values.forEach((v, k) => out.push({ panel: p, pos: { ...base, x: base.x, y: base.y + k * base.h }, ref: { row, index: i }, scopedVars: { [name]: v }, key: `${sectionKey}-${i}-${k}` }));
      shifts.push({ fromY: p.gridPos.y + p.gridPos.h, by: (values.length - 1) * base.h });
    } else {
      const perRow = Math.max(1, Math.min(values.length, p.maxPerRow ?? 24, 24));
      const w = Math.max(1, Math.floor(24 / perRow));
      values.forEach((v, k) => out.push({ panel: p, pos: { x: (k % perRow) * w, y: base.y + Math.floor(k / perRow) * base.h, w, h: base.h }, ref: { row, index: i }, scopedVars: { [name]: v }, key: `${sectionKey}-${i}-${k}` }));
      const lines = Math.ceil(values.length / perRow);
      shifts.push({ fromY: p.gridPos.y + p.gridPos.h, by: (lines - 1) * base.h });
    }
  }
  return out;
}
