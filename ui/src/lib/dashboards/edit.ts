// Edits of a dashboard model in edit mode. Every function returns a new Dashboard and leaves
// its input unchanged (so the page can compare against the saved copy).
import type { PanelRef } from './layout';
import { type Dashboard, type Panel, nextPanelId } from './model';
import { DEFAULT_THRESHOLDS } from './thresholds';

function clone<T>(v: T): T {
  return structuredClone(v);
}

function listOf(d: Dashboard, ref: PanelRef): Panel[] | undefined {
  if (ref.row === undefined) return d.panels;
  const row = d.panels[ref.row];
  return row?.type === 'row' ? (row.panels ??= []) : undefined;
}

export function getPanel(d: Dashboard, ref: PanelRef): Panel | undefined {
  return listOf(d, ref)?.[ref.index];
}

/** Replaces the panel at `ref` (its gridPos kept unless the new one differs). */
export function updatePanel(d: Dashboard, ref: PanelRef, p: Panel): Dashboard {
  const out = clone(d);
  const list = listOf(out, ref);
  if (list !== undefined && ref.index < list.length) list[ref.index] = clone(p);
  return out;
}

/** A new timeseries panel below everything else, full width. */
export function addPanel(d: Dashboard, type = 'timeseries'): Dashboard {
  const out = clone(d);
  const bottom = out.panels.reduce((m, p) => Math.max(m, p.gridPos.y + p.gridPos.h), 0);
  out.panels.push(newPanel(type, nextPanelId(out), bottom));
  return out;
}

export function newPanel(type: string, id: number, y: number): Panel {
  return {
    id,
    type,
    title: 'New panel',
    gridPos: { x: 0, y, w: type === 'stat' || type === 'gauge' ? 6 : 12, h: type === 'stat' ? 4 : 8 },
    targets: [{ refId: 'A', expr: '', legendFormat: '' }],
    fieldConfig: { defaults: { unit: 'none', thresholds: clone(DEFAULT_THRESHOLDS) }, overrides: [] },
    options: {},
  };
}

export function duplicatePanel(d: Dashboard, ref: PanelRef): Dashboard {
  const out = clone(d);
  const list = listOf(out, ref);
  const p = list?.[ref.index];
  if (list === undefined || p === undefined) return d;
  const copy = { ...clone(p), id: nextPanelId(out), title: `${p.title ?? ''} (copy)`.trim() };
  copy.gridPos = { ...p.gridPos, y: p.gridPos.y + p.gridPos.h };
  for (const q of list) if (q !== p && q.gridPos.y >= copy.gridPos.y) q.gridPos = { ...q.gridPos, y: q.gridPos.y + p.gridPos.h };
  list.splice(ref.index + 1, 0, copy);
  return out;
}

export function deletePanel(d: Dashboard, ref: PanelRef): Dashboard {
  const out = clone(d);
  listOf(out, ref)?.splice(ref.index, 1);
  return out;
}

/** Swaps the panel's place with the previous (-1) or next (+1) panel in reading order, within its list and row. */
export function movePanel(d: Dashboard, ref: PanelRef, dir: -1 | 1): Dashboard {
  const out = clone(d);
  const list = listOf(out, ref);
  const p = list?.[ref.index];
  if (list === undefined || p === undefined) return d;
  // Neighbours in the same section: for the top-level list, between the surrounding rows.
  let lo = 0;
  let hi = list.length;
  if (ref.row === undefined) {
    for (let i = ref.index - 1; i >= 0; i--) if (list[i]?.type === 'row') { lo = i + 1; break; }
    for (let i = ref.index + 1; i < list.length; i++) if (list[i]?.type === 'row') { hi = i; break; }
  }
  const peers = list.slice(lo, hi).filter((q) => q.type !== 'row').sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const at = peers.indexOf(p);
  const other = peers[at + dir];
  if (other === undefined) return d;
  const a = p.gridPos;
  const b = other.gridPos;
  p.gridPos = { ...a, x: b.x, y: b.y };
  other.gridPos = { ...b, x: a.x, y: a.y };
  if (p.gridPos.x + p.gridPos.w > 24) p.gridPos.x = 24 - p.gridPos.w;
  if (other.gridPos.x + other.gridPos.w > 24) other.gridPos.x = 24 - other.gridPos.w;
  return out;
}

/** Changes the width by `delta` columns (1..24, x moved left when needed), or the height by `dh` units. */
export function resizePanel(d: Dashboard, ref: PanelRef, delta: number, dh = 0): Dashboard {
  const out = clone(d);
  const p = getPanel(out, ref);
  if (p === undefined) return d;
  const w = Math.min(24, Math.max(1, p.gridPos.w + delta));
  p.gridPos = { ...p.gridPos, w, x: Math.min(p.gridPos.x, 24 - w), h: Math.max(2, p.gridPos.h + dh) };
  return out;
}
