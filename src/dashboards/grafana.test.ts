import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DashboardInvalidError } from './errors.js';
import { exportDashboard, normalizeImport, slugOf, unwrapImport } from './grafana.js';
import { type Dashboard, parseDashboard } from './schema.js';

type Obj = Record<string, unknown>;
const FIXTURE = new URL('../../../test-fixtures/grafana/node-exporter-full.json', import.meta.url);
const loadFixture = (): Obj => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Obj;

/** Every panel, rows' nested ones included, in order. */
function allPanels(d: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (ps: unknown): void => {
    for (const p of Array.isArray(ps) ? (ps as Obj[]) : []) {
      out.push(p);
      walk(p['panels']);
    }
  };
  walk(d['panels']);
  return out;
}
/** Every distinct `datasource` value, as JSON. */
function datasources(d: unknown): Set<string> {
  const seen = new Set<string>();
  JSON.stringify(d, (k, v: unknown) => (k === 'datasource' && seen.add(JSON.stringify(v)), v));
  return seen;
}

describe('import of Grafana files', () => {
  it('imports Node Exporter Full with every panel and no warning, the ds_prometheus variable resolved', () => {
    const raw = loadFixture();
    const { dashboard, warnings } = normalizeImport(raw);
    assert.deepEqual(warnings, []);
    assert.equal(dashboard.title, 'Node Exporter Full');
    assert.equal(dashboard['uid'], 'rYdddlPWk');
    for (const k of ['id', '__inputs', '__requires', '__elements']) assert.equal(k in dashboard, false, k);
    const before = allPanels(raw);
    const after = allPanels(dashboard);
    assert.equal(after.length, 141);
    assert.deepEqual(after.map((p) => [p['id'], p['type'], p['title']]), before.map((p) => [p['id'], p['type'], p['title']]));
    assert.deepEqual(after.map((p) => p['targets']), before.map((p) => p['targets']), 'queries untouched');
    const list = (dashboard['templating'] as { list: Obj[] }).list;
    const ds = list.find((v) => v['name'] === 'ds_prometheus');
    assert.deepEqual(ds?.['current'], { selected: true, text: 'Vigie', value: 'vigie' });
    // Panels keep pointing at the variable, which now selects Vigie; the annotation's built-in source stays.
    assert.deepEqual([...datasources(dashboard)].sort(), ['{"type":"datasource","uid":"grafana"}', '{"type":"prometheus","uid":"${ds_prometheus}"}']);
    assert.deepEqual(dashboard['time'], raw['time'], 'unknown fields kept');
  });

  it('exports like Grafana (id null, __inputs, datasources as ${DS_PROMETHEUS}) and re-imports to the same panels', () => {
    const { dashboard } = normalizeImport(loadFixture());
    const stored: Dashboard = { ...dashboard, panels: [...(dashboard['panels'] as Obj[]), { id: 9999, type: 'stat', title: 'direct', datasource: { type: 'prometheus', uid: 'vigie' }, gridPos: { x: 0, y: 999, w: 4, h: 4 } }] };
    const exported = exportDashboard(stored);
    assert.equal(exported['id'], null);
    assert.deepEqual(Object.keys(exported).slice(0, 3), ['__inputs', '__elements', '__requires']);
    assert.deepEqual(exported['__inputs'], [{ name: 'DS_PROMETHEUS', label: 'Prometheus', description: '', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' }]);
    assert.deepEqual(allPanels(exported).at(-1)?.['datasource'], { type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    assert.equal(datasources(exported).has('{"type":"prometheus","uid":"vigie"}'), false);
    const again = normalizeImport(JSON.parse(JSON.stringify(exported)) as Obj);
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(allPanels(again.dashboard), allPanels(stored));
    assert.deepEqual(again.dashboard['templating'], stored['templating']);
  });

  it('converts legacy graph, singlestat and table-old panels, in rows too', () => {
    const legacy: Obj = {
      __inputs: [
        { name: 'DS_PROM', label: 'prom', type: 'datasource', pluginId: 'prometheus' },
        { name: 'DS_LOKI', label: 'loki', type: 'datasource', pluginId: 'loki' },
        { name: 'VAR_JOB', type: 'constant', value: 'node' },
      ],
      id: 7,
      title: 'Old one',
      rows: undefined,
      panels: [
        {
          id: 1, type: 'graph', title: 'CPU', datasource: '${DS_PROM}', gridPos: { x: 0, y: 0, w: 12, h: 8 },
          targets: [{ expr: 'rate(node_cpu_seconds_total{job="${VAR_JOB}"}[5m])', refId: 'A' }],
          yaxes: [{ format: 'percentunit', min: '0', max: 1, show: true }, { format: 'short' }],
          fill: 3, linewidth: 2, stack: true, lines: true, nullPointMode: 'connected',
          legend: { show: true, alignAsTable: true, rightSide: true, avg: true, current: true },
          tooltip: { shared: true, sort: 2 },
          seriesOverrides: [{ alias: '/write/', transform: 'negative-Y' }],
        },
        {
          id: 2, type: 'singlestat', title: 'Up', datasource: { type: 'prometheus', uid: '${DS_PROM}' }, format: 'percent', decimals: 1,
          valueName: 'current', thresholds: '50,80', colors: ['#299c46', 'rgba(237, 129, 40, 0.89)', '#d44a3a'], colorBackground: true,
          sparkline: { show: true }, valueMaps: [{ value: 'null', op: '=', text: 'N/A' }],
        },
        { id: 3, type: 'singlestat', title: 'Disk', gauge: { show: true, minValue: 0, maxValue: 100 }, thresholds: '90', colors: ['green', 'red'] },
        { id: 4, type: 'row', title: 'More', collapsed: true, panels: [{ id: 5, type: 'table-old', title: 'T', styles: [] }, { id: 6, type: 'piechart', title: 'Pie' }] },
        { id: 8, type: 'logs', title: 'Logs', datasource: '${DS_LOKI}' },
      ],
    };
    const { dashboard, warnings } = normalizeImport(legacy);
    const [cpu, up, disk, row, logs] = dashboard['panels'] as Obj[];
    assert.equal(cpu?.['type'], 'timeseries');
    assert.deepEqual(cpu?.['datasource'], { type: 'prometheus', uid: 'vigie' });
    assert.equal((cpu?.['targets'] as Obj[])[0]?.['expr'], 'rate(node_cpu_seconds_total{job="node"}[5m])');
    const defaults = (cpu?.['fieldConfig'] as { defaults: Obj }).defaults;
    assert.deepEqual([defaults['unit'], defaults['min'], defaults['max']], ['percentunit', 0, 1]);
    const custom = defaults['custom'] as Obj;
    assert.deepEqual([custom['fillOpacity'], custom['lineWidth'], custom['stacking'], custom['spanNulls']], [30, 2, { mode: 'normal', group: 'A' }, true]);
    assert.deepEqual((cpu?.['options'] as Obj)['legend'], { showLegend: true, displayMode: 'table', placement: 'right', calcs: ['mean', 'lastNotNull'] });
    assert.deepEqual((cpu?.['fieldConfig'] as { overrides: unknown[] }).overrides, [{ matcher: { id: 'byRegexp', options: '/write/' }, properties: [{ id: 'custom.transform', value: 'negative-Y' }] }]);
    for (const k of ['yaxes', 'fill', 'stack', 'legend', 'seriesOverrides']) assert.equal(k in (cpu ?? {}), false, k);

    assert.equal(up?.['type'], 'stat');
    assert.deepEqual(up?.['datasource'], { type: 'prometheus', uid: 'vigie' });
    const upDefaults = (up?.['fieldConfig'] as { defaults: Obj }).defaults;
    assert.deepEqual(upDefaults['thresholds'], { mode: 'absolute', steps: [{ color: '#299c46', value: null }, { color: 'rgba(237, 129, 40, 0.89)', value: 50 }, { color: '#d44a3a', value: 80 }] });
    assert.deepEqual([upDefaults['unit'], upDefaults['decimals']], ['percent', 1]);
    assert.deepEqual(upDefaults['mappings'], [{ type: 'value', options: { null: { text: 'N/A' } } }]);
    const upOptions = up?.['options'] as Obj;
    assert.deepEqual([upOptions['colorMode'], upOptions['graphMode'], (upOptions['reduceOptions'] as Obj)['calcs']], ['background', 'area', ['lastNotNull']]);

    assert.equal(disk?.['type'], 'gauge');
    const diskDefaults = (disk?.['fieldConfig'] as { defaults: Obj }).defaults;
    assert.deepEqual([diskDefaults['min'], diskDefaults['max']], [0, 100]);
    assert.deepEqual(((row?.['panels'] as Obj[])[0] ?? {})['type'], 'table');
    assert.equal(logs?.['datasource'], '${DS_LOKI}');
    assert.deepEqual(warnings.sort(), ['datasource DS_LOKI is loki: Vigie only answers PromQL', 'panel "Logs" (logs) cannot be rendered by Vigie', 'panel "Pie" (piechart) cannot be rendered by Vigie']);
    assert.equal('id' in dashboard, false);
  });

  it('inlines library panels from __elements and warns about non-Prometheus datasources', () => {
    const { dashboard, warnings } = normalizeImport({
      title: 'Lib',
      __elements: { abc: { name: 'shared', uid: 'abc', kind: 1, model: { type: 'stat', title: 'Shared', datasource: { type: 'prometheus', uid: '${DS_P}' } } } },
      panels: [{ id: 1, gridPos: { x: 0, y: 0, w: 6, h: 4 }, libraryPanel: { uid: 'abc', name: 'shared' } }, { id: 2, libraryPanel: { uid: 'missing' } }, { id: 3, type: 'timeseries', title: 'Influx', datasource: { type: 'influxdb', uid: 'P1' } }],
    });
    const [shared] = dashboard['panels'] as Obj[];
    assert.deepEqual(shared, { type: 'stat', title: 'Shared', datasource: { type: 'prometheus', uid: 'vigie' }, id: 1, gridPos: { x: 0, y: 0, w: 6, h: 4 } });
    assert.deepEqual(warnings.sort(), ['datasource P1 of type influxdb is not Prometheus: Vigie only answers PromQL', 'panel "#2" has no type (a library panel not included in the file): Vigie cannot render it']);
  });

  it('unwraps Grafana\'s import API shape', () => {
    assert.deepEqual(unwrapImport({ dashboard: { title: 'x' }, overwrite: true, inputs: [] }), { dashboard: { title: 'x' }, overwrite: true });
    assert.deepEqual(unwrapImport({ title: 'x', dashboard: 'a field' }), { dashboard: { title: 'x', dashboard: 'a field' }, overwrite: false });
    assert.throws(() => unwrapImport([]), /expected a JSON object .*an array/);
    assert.throws(() => unwrapImport({ dashboard: { title: 'x' }, overwrite: 'yes' }), /overwrite: expected a boolean/);
    assert.equal(slugOf('Node Exporter Full', 'u'), 'node-exporter-full');
    assert.equal(slugOf('«»', 'u1'), 'u1');
  });
});

describe('dashboard validation faces hostile input', () => {
  const rejects = (v: unknown, re: RegExp): void => {
    assert.throws(() => parseDashboard(v), (e: unknown) => e instanceof DashboardInvalidError && re.test(e.message), String(re));
  };
  it('names the JSON path and what was expected', () => {
    rejects('a string', /^expected a JSON object/);
    rejects(null, /^expected a JSON object/);
    rejects([{ title: 'x' }], /^expected a JSON object/);
    rejects({}, /^title: expected a string/);
    rejects({ title: 'x', panels: {} }, /^panels: expected an array/);
    rejects({ title: 'x', panels: [1] }, /^panels\[0\]: expected an object/);
    rejects({ title: 'x', panels: [{}, {}, {}, { gridPos: { x: 0, y: 0, w: 'wide', h: 1 } }] }, /^panels\[3\]\.gridPos\.w: expected a number$/);
    rejects({ title: 'x', panels: [{ id: '1' }] }, /^panels\[0\]\.id: expected a number$/);
    rejects({ title: 'x', panels: [{ type: 3 }] }, /^panels\[0\]\.type: expected a string$/);
    rejects({ title: 'x', panels: [{ targets: 'up' }] }, /^panels\[0\]\.targets: expected an array$/);
    rejects({ title: 'x', panels: [{ type: 'row', panels: [{ gridPos: [] }] }] }, /^panels\[0\]\.panels\[0\]\.gridPos: expected an object/);
    rejects({ title: 'x', templating: { list: {} } }, /^templating\.list: expected an array$/);
    rejects({ title: 'x', tags: ['a', 1] }, /^tags\[1\]: expected a string$/);
    rejects({ title: 'x'.repeat(501) }, /^title: longer than 500/);
  });
  it('refuses deep nesting without overflowing the stack, and __proto__ keys', () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    rejects({ title: 'x', deep }, /^deep(\.a)+: nested deeper than 64 levels$/);
    let rows: Obj = { type: 'row' };
    for (let i = 0; i < 10_000; i++) rows = { type: 'row', panels: [rows] };
    rejects({ title: 'x', panels: [rows] }, /nested deeper than 64 levels/);
    rejects(JSON.parse('{"title":"x","panels":[{"__proto__":{"polluted":true}}]}'), /^panels\[0\]\.__proto__: this key is not allowed$/);
    assert.equal(({} as Obj)['polluted'], undefined);
    assert.throws(() => normalizeImport(JSON.parse('{"title":"x","a":{"__proto__":{"x":1}}}') as Obj), /dashboard\.a\.__proto__: this key is not allowed/);
  });
  it('accepts huge strings and odd but valid shapes, keeping unknown fields', () => {
    const big = 'x'.repeat(2_000_000);
    assert.equal(parseDashboard({ title: 'x', description: big })['description'], big);
    assert.deepEqual(parseDashboard({ title: 't', panels: [{ id: null, libraryPanel: { uid: 'u' } }], weird: [1, { a: null }] }), { title: 't', panels: [{ id: null, libraryPanel: { uid: 'u' } }], weird: [1, { a: null }] });
  });
});
