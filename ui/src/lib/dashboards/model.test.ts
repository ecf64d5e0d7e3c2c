import { describe, expect, it } from 'vitest';
import { addPanel, deletePanel, duplicatePanel, getPanel, movePanel, resizePanel, updatePanel } from './edit';
import { emptyDashboard, normalizeDashboard, normalizeGridPos, nextPanelId } from './model';
import { parseDashboardJson } from './api';

describe('normalizeDashboard', () => {
  it('turns anything into a usable dashboard', () => {
    for (const raw of [null, 42, 'x', [], { panels: 'no' }, { title: 7, tags: [1, 'a'], templating: { list: [{ name: 'bad name' }, { name: 'ok' }, 5] } }]) {
      const d = normalizeDashboard(raw);
      expect(Array.isArray(d.panels)).toBe(true);
      expect(d.templating.list.every((v) => /^\w+$/.test(v.name))).toBe(true);
      expect(d.time).toEqual({ from: 'now-6h', to: 'now' });
    }
    const d = normalizeDashboard({ title: 7, tags: [1, 'a'], refresh: '30s', extra: { kept: true }, panels: [{ type: 'stat', gridPos: { x: 30, w: 50, h: -1, y: 'z' } }, null] });
    expect(d.title).toBe('7');
    expect(d.tags).toEqual(['a']);
    expect(d.refresh).toBe('30s');
    expect(d['extra']).toEqual({ kept: true });
    expect(d.panels).toHaveLength(1);
    expect(d.panels[0]?.gridPos).toEqual({ x: 23, y: 0, w: 1, h: 1 });
  });
  it('clamps gridPos into the 24 columns', () => {
    expect(normalizeGridPos({ x: 20, y: 3, w: 12, h: 8 })).toEqual({ x: 20, y: 3, w: 4, h: 8 });
    expect(normalizeGridPos(undefined)).toEqual({ x: 0, y: 0, w: 12, h: 8 });
  });
});

describe('editing', () => {
  const base = addPanel(addPanel(emptyDashboard('t')), 'stat');
  it('adds panels with fresh ids below the others', () => {
    expect(base.panels.map((p) => [p.id, p.type, p.gridPos.y])).toEqual([[1, 'timeseries', 0], [2, 'stat', 8]]);
    expect(nextPanelId(base)).toBe(3);
  });
  it('duplicates, deletes, moves and resizes without touching the input', () => {
    const before = JSON.stringify(base);
    const dup = duplicatePanel(base, { row: undefined, index: 0 });
    expect(dup.panels.map((p) => [p.id, p.title, p.gridPos.y])).toEqual([[1, 'New panel', 0], [3, 'New panel (copy)', 8], [2, 'New panel', 16]]);
    const moved = movePanel(base, { row: undefined, index: 1 }, -1);
    expect(moved.panels.map((p) => [p.id, p.gridPos.y])).toEqual([[1, 8], [2, 0]]);
    expect(movePanel(base, { row: undefined, index: 0 }, -1)).toBe(base);
    expect(resizePanel(base, { row: undefined, index: 0 }, 30).panels[0]?.gridPos.w).toBe(24);
    expect(resizePanel(base, { row: undefined, index: 0 }, -30).panels[0]?.gridPos.w).toBe(1);
    expect(deletePanel(base, { row: undefined, index: 0 }).panels.map((p) => p.id)).toEqual([2]);
    const up = updatePanel(base, { row: undefined, index: 1 }, { ...base.panels[1]!, title: 'Load' });
    expect(getPanel(up, { row: undefined, index: 1 })?.title).toBe('Load');
    expect(JSON.stringify(base)).toBe(before);
  });
  it('edits panels inside a collapsed row', () => {
    const d = normalizeDashboard({ panels: [{ id: 1, type: 'row', collapsed: true, gridPos: { y: 0 }, panels: [{ id: 2, type: 'stat', gridPos: { y: 1, w: 6, h: 4 } }] }] });
    expect(duplicatePanel(d, { row: 0, index: 0 }).panels[0]?.panels?.map((p) => p.id)).toEqual([2, 3]);
    expect(getPanel(d, { row: 5, index: 0 })).toBeUndefined();
  });
});

describe('parseDashboardJson', () => {
  it('accepts a dashboard or Grafana API wrapper, rejects the rest clearly', () => {
    expect(parseDashboardJson('{"panels": []}')).toEqual({ panels: [] });
    expect(parseDashboardJson('{"dashboard": {"rows": []}, "meta": {}}')).toEqual({ rows: [] });
    expect(parseDashboardJson('')).toBeInstanceOf(Error);
    expect((parseDashboardJson('{oops') as Error).message).toMatch(/^not JSON/);
    expect((parseDashboardJson('[1]') as Error).message).toMatch(/^not a dashboard/);
    expect((parseDashboardJson('{"title":"x"}') as Error).message).toMatch(/^not a dashboard/);
  });
});
