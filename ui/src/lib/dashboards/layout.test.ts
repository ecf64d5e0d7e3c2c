import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSections } from './layout';
import { type Panel, normalizeDashboard } from './model';

const p = (id: number, x: number, y: number, w: number, h: number, extra: Partial<Panel> = {}): Panel => ({ id, type: 'timeseries', gridPos: { x, y, w, h }, ...extra });

describe('buildSections', () => {
  const panels: Panel[] = [
    p(1, 0, 0, 12, 8),
    { id: 2, type: 'row', title: 'Open', gridPos: { x: 0, y: 8, w: 24, h: 1 }, collapsed: false, panels: [] },
    p(4, 12, 9, 12, 4),
    p(3, 0, 9, 12, 4),
    { id: 5, type: 'row', title: 'Closed', gridPos: { x: 0, y: 13, w: 24, h: 1 }, collapsed: true, panels: [p(6, 0, 14, 24, 6)] },
  ];
  it('splits rows, sorts panels in reading order and makes y relative to the section', () => {
    const s = buildSections(panels, new Set());
    expect(s.map((x) => [x.row?.title, x.collapsed, x.panels.map((q) => q.panel.id)])).toEqual([
      [undefined, false, [1]],
      ['Open', false, [3, 4]],
      ['Closed', true, []],
    ]);
    expect(s[1]?.panels.map((q) => q.pos)).toEqual([{ x: 0, y: 0, w: 12, h: 4 }, { x: 12, y: 0, w: 12, h: 4 }]);
    expect(s[1]?.panels[0]?.ref).toEqual({ row: undefined, index: 3 });
  });
  it('expands a collapsed row on toggle, and collapses an open one', () => {
    const s = buildSections(panels, new Set(['id5', 'id2']));
    expect(s[1]?.collapsed).toBe(true);
    expect(s[2]?.panels.map((q) => [q.panel.id, q.ref, q.pos.y])).toEqual([[6, { row: 4, index: 0 }, 0]]);
  });
  it('repeats panels horizontally and vertically, pushing what is below down', () => {
    const list = [p(1, 0, 0, 24, 4, { repeat: 'host', maxPerRow: 2 }), p(2, 0, 4, 24, 3), p(3, 0, 7, 8, 2, { repeat: 'host', repeatDirection: 'v' })];
    const s = buildSections(list, new Set(), (name) => (name === 'host' ? ['a', 'b', 'c'] : []));
    const placed = s[0]?.panels ?? [];
    expect(placed.map((q) => [q.panel.id, q.scopedVars?.['host'], q.pos])).toEqual([
      [1, 'a', { x: 0, y: 0, w: 12, h: 4 }],
      [1, 'b', { x: 12, y: 0, w: 12, h: 4 }],
      [1, 'c', { x: 0, y: 4, w: 12, h: 4 }],
      [2, undefined, { x: 0, y: 8, w: 24, h: 3 }],
      [3, 'a', { x: 0, y: 11, w: 8, h: 2 }],
      [3, 'b', { x: 0, y: 13, w: 8, h: 2 }],
      [3, 'c', { x: 0, y: 15, w: 8, h: 2 }],
    ]);
    expect(new Set(placed.map((q) => q.key)).size).toBe(placed.length);
  });
  it('lays out the Node Exporter Full dashboard', () => {
    const d = normalizeDashboard(JSON.parse(readFileSync(new URL('../../../../test-fixtures/grafana/node-exporter-full.json', import.meta.url), 'utf8')));
    const s = buildSections(d.panels, new Set());
    expect(s.length).toBe(16);
    expect(s[0]?.row?.title).toBe('Quick CPU / Mem / Disk');
    expect(s[0]?.panels.some((q) => q.panel.title === 'CPU Busy')).toBe(true);
    expect(s.filter((x) => x.collapsed).length).toBe(14);
    const all = buildSections(d.panels, new Set(s.map((_x, i) => `i${i}`).concat(d.panels.filter((q) => q.type === 'row').map((q) => `id${q.id ?? ''}`))));
    expect(all.flatMap((x) => x.panels).length).toBeGreaterThan(100);
  });
});
