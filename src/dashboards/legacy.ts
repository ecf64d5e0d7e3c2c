// Grafana's old panel types, converted to the ones Vigie renders the way Grafana's own
// migrations do: graph → timeseries, singlestat → stat (or gauge), table-old → table.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
/** A number from a number or a numeric string ("100"); undefined otherwise. */
function numOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
/** `p` without the fields in `drop`. */
const without = (p: Obj, drop: readonly string[]): Obj => Object.fromEntries(Object.entries(p).filter(([k]) => !drop.includes(k)));

const GRAPH_FIELDS = [
  'aliasColors', 'bars', 'dashLength', 'dashes', 'fill', 'fillGradient', 'hiddenSeries', 'legend', 'lines', 'linewidth',
  'nullPointMode', 'percentage', 'pointradius', 'points', 'renderer', 'seriesOverrides', 'spaceLength', 'stack',
  'steppedLine', 'thresholds', 'timeRegions', 'tooltip', 'xaxis', 'yaxes', 'yaxis', 'options',
];

/** Legacy legend `values` flags → the reducer ids of the new legend's `calcs`. */
const LEGEND_CALCS: readonly (readonly [string, string])[] = [['avg', 'mean'], ['current', 'lastNotNull'], ['max', 'max'], ['min', 'min'], ['total', 'sum']];

function graphToTimeseries(p: Obj): Obj {
  const yaxis = obj(Array.isArray(p['yaxes']) ? p['yaxes'][0] : undefined);
  const legend = obj(p['legend']);
  const tooltip = obj(p['tooltip']);
  const bars = p['bars'] === true;
  const lines = p['lines'] !== false;
  const points = p['points'] === true;
  const stacked = p['stack'] === true;
  const fill = numOf(p['fill']) ?? 1;
  const custom = defined({
    drawStyle: bars ? 'bars' : !lines && points ? 'points' : 'line',
    lineWidth: numOf(p['linewidth']) ?? 1,
    fillOpacity: Math.max(0, Math.min(100, fill * 10)),
    gradientMode: (numOf(p['fillGradient']) ?? 0) > 0 ? 'opacity' : 'none',
    showPoints: points ? 'always' : 'never',
    pointSize: numOf(p['pointradius']) ?? 5,
    spanNulls: p['nullPointMode'] === 'connected',
    lineInterpolation: p['steppedLine'] === true ? 'stepAfter' : 'linear',
    stacking: { mode: stacked ? (p['percentage'] === true ? 'percent' : 'normal') : 'none', group: 'A' },
    axisPlacement: yaxis['show'] === false ? 'hidden' : 'auto',
    axisLabel: typeof yaxis['label'] === 'string' ? yaxis['label'] : undefined,
    scaleDistribution: numOf(yaxis['logBase']) !== undefined && numOf(yaxis['logBase'])! > 1 ? { type: 'log', log: numOf(yaxis['logBase']) } : { type: 'linear' },
  });
  const oldField = obj(p['fieldConfig']);
  const defaults = defined({
    ...obj(oldField['defaults']),
    unit: typeof yaxis['format'] === 'string' ? yaxis['format'] : undefined,
    min: numOf(yaxis['min']),
    max: numOf(yaxis['max']),
    decimals: numOf(yaxis['decimals']) ?? numOf(p['decimals']),
    custom: { ...obj(obj(oldField['defaults'])['custom']), ...custom },
  });
  const overrides = Array.isArray(oldField['overrides']) ? [...(oldField['overrides'] as unknown[])] : [];
  for (const o of Array.isArray(p['seriesOverrides']) ? (p['seriesOverrides'] as unknown[]) : []) {
    const so = obj(o);
    if (typeof so['alias'] !== 'string') continue;
    const alias = so['alias'];
    const regex = /^\/.*\/[a-z]*$/.test(alias);
    const properties: Obj[] = [];
    if (so['transform'] === 'negative-Y') properties.push({ id: 'custom.transform', value: 'negative-Y' });
    if (numOf(so['fill']) !== undefined) properties.push({ id: 'custom.fillOpacity', value: numOf(so['fill'])! * 10 });
    if (numOf(so['linewidth']) !== undefined) properties.push({ id: 'custom.lineWidth', value: numOf(so['linewidth']) });
    if (so['stack'] === false) properties.push({ id: 'custom.stacking', value: { mode: 'none', group: 'A' } });
    if (typeof so['color'] === 'string') properties.push({ id: 'color', value: { mode: 'fixed', fixedColor: so['color'] } });
    if (properties.length > 0) overrides.push({ matcher: { id: regex ? 'byRegexp' : 'byName', options: alias }, properties });
  }
  const calcs = LEGEND_CALCS.filter(([flag]) => legend[flag] === true).map(([, calc]) => calc);
  const options = {
    ...obj(p['options']),
    legend: { showLegend: legend['show'] !== false, displayMode: legend['alignAsTable'] === true ? 'table' : 'list', placement: legend['rightSide'] === true ? 'right' : 'bottom', calcs },
    tooltip: { mode: tooltip['shared'] === false ? 'single' : 'multi', sort: tooltip['sort'] === 1 ? 'asc' : tooltip['sort'] === 2 ? 'desc' : 'none' },
  };
  return { ...without(p, GRAPH_FIELDS), type: 'timeseries', fieldConfig: { ...oldField, defaults, overrides }, options };
}

const SINGLESTAT_FIELDS = [
  'cacheTimeout', 'colorBackground', 'colorPostfix', 'colorPrefix', 'colorValue', 'colors', 'decimals', 'format', 'gauge',
  'mappingType', 'mappingTypes', 'maxDataPoints', 'nullPointMode', 'nullText', 'postfix', 'postfixFontSize', 'prefix',
  'prefixFontSize', 'rangeMaps', 'sparkline', 'tableColumn', 'thresholds', 'valueFontSize', 'valueMaps', 'valueName', 'options',
];

/** Legacy `valueName` → reducer id. */
const REDUCERS: Readonly<Record<string, string>> = { avg: 'mean', current: 'lastNotNull', min: 'min', max: 'max', total: 'sum', first: 'firstNotNull', delta: 'delta', diff: 'diff', range: 'range', last_time: 'lastNotNull', name: 'lastNotNull' };

function singlestatToStat(p: Obj): Obj {
  const colors = Array.isArray(p['colors']) ? (p['colors'] as unknown[]).filter((c): c is string => typeof c === 'string') : [];
  const limits = (typeof p['thresholds'] === 'string' ? p['thresholds'].split(',') : []).map((t) => numOf(t)).filter((n): n is number => n !== undefined);
  const steps: Obj[] = [{ color: colors[0] ?? 'green', value: null }, ...limits.map((value, i) => ({ color: colors[i + 1] ?? (i === 0 ? 'orange' : 'red'), value }))];
  const gauge = obj(p['gauge']);
  const isGauge = gauge['show'] === true;
  const mappings: Obj[] = [];
  for (const m of Array.isArray(p['valueMaps']) ? (p['valueMaps'] as unknown[]) : []) {
    const vm = obj(m);
    if (typeof vm['value'] === 'string' && typeof vm['text'] === 'string' && vm['op'] !== undefined) mappings.push({ type: 'value', options: { [vm['value']]: { text: vm['text'] } } });
  }
  for (const m of Array.isArray(p['rangeMaps']) ? (p['rangeMaps'] as unknown[]) : []) {
    const rm = obj(m);
    if (typeof rm['text'] === 'string') mappings.push({ type: 'range', options: { from: numOf(rm['from']) ?? null, to: numOf(rm['to']) ?? null, result: { text: rm['text'] } } });
  }
  const oldField = obj(p['fieldConfig']);
  const defaults = defined({
    ...obj(oldField['defaults']),
    unit: typeof p['format'] === 'string' ? p['format'] : undefined,
    decimals: numOf(p['decimals']),
    min: isGauge ? numOf(gauge['minValue']) : undefined,
    max: isGauge ? numOf(gauge['maxValue']) : undefined,
    thresholds: { mode: 'absolute', steps },
    color: { mode: 'thresholds' },
    mappings,
  });
  const reduceOptions = { calcs: [REDUCERS[typeof p['valueName'] === 'string' ? p['valueName'] : 'avg'] ?? 'mean'], fields: '', values: false };
  const colored = p['colorBackground'] === true ? 'background' : p['colorValue'] === true ? 'value' : 'none';
  const options = isGauge
    ? { reduceOptions, showThresholdLabels: gauge['thresholdLabels'] === true, showThresholdMarkers: gauge['thresholdMarkers'] !== false, orientation: 'auto' }
    : { reduceOptions, colorMode: colored, graphMode: obj(p['sparkline'])['show'] === true ? 'area' : 'none', justifyMode: 'auto', textMode: 'auto', orientation: 'auto' };
  return { ...without(p, SINGLESTAT_FIELDS), type: isGauge ? 'gauge' : 'stat', fieldConfig: { ...oldField, defaults, overrides: Array.isArray(oldField['overrides']) ? oldField['overrides'] : [] }, options };
}

/** `p` converted when its type is a legacy one (graph, singlestat, grafana-singlestat-panel, table-old); `p` itself otherwise. */
export function convertLegacyPanel(p: Obj): Obj {
  switch (p['type']) {
    case 'graph':
      return graphToTimeseries(p);
    case 'singlestat':
    case 'grafana-singlestat-panel':
      return singlestatToStat(p);
    case 'table-old':
      return { ...p, type: 'table' };
    default:
      return p;
  }
}
