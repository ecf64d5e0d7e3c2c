import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelsFromRecord, staleNaN } from '../model/index.js';
import { parseMetricSelector } from '../promql/index.js';
import { MemoryQueryable } from '../storage/index.js';
import { ExpositionParser } from '../textparse/index.js';
import { type ExportFormat, formatSeconds, formatSeriesText, parseTime } from './format.js';
import { exportSamples, newExportCounts } from './export.js';
import { federate, federateFormat } from './federate.js';
import { ImportError, detectFormat, parseImportText } from './import.js';

const T0 = Date.UTC(2024, 0, 15);
const data = new MemoryQueryable([
  { labels: labelsFromRecord({ __name__: 'up', job: 'a', instance: 'x' }), t: [T0, T0 + 15_000, T0 + 30_000], v: [1, 0, 1] },
  { labels: labelsFromRecord({ __name__: 'up', job: 'b', instance: 'y' }), t: [T0, T0 + 15_000], v: Float64Array.of(1, staleNaN()) },
  { labels: labelsFromRecord({ __name__: 'temp', job: 'a', room: 'k"i\\t\nchen, 1' }), t: [T0 + 500], v: [NaN] },
  { labels: labelsFromRecord({ job: 'a', nameless: 'yes' }), t: [T0], v: [Infinity] },
]);

async function run(format: ExportFormat, match: string[], mint = T0 - 1000, maxt = T0 + 60_000): Promise<{ text: string; series: number; samples: number }> {
  const counts = newExportCounts();
  let text = '';
  for await (const piece of exportSamples(data, { selectors: match.map(parseMetricSelector), mint, maxt, format }, counts)) text += piece;
  return { text, series: counts.series, samples: counts.samples };
}

describe('parseTime', () => {
  it('reads RFC 3339, dates and unix seconds', () => {
    assert.equal(parseTime('2024-01-15T00:00:00Z'), T0);
    assert.equal(parseTime('2024-01-15T01:00:00.250+01:00'), T0 + 250);
    assert.equal(parseTime('2024-01-15'), T0);
    assert.equal(parseTime(String(T0 / 1000)), T0);
    assert.equal(parseTime('1705276800.123'), T0 + 123);
    assert.equal(parseTime('-1.5'), -1500);
  });
  for (const bad of ['', 'yesterday', '2024-02-30', '2024-01-15T00:00', '1e400', '12abc']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseTime(bad), /invalid time/));
  }
});

describe('format helpers', () => {
  it('formats seconds and series text', () => {
    assert.equal(formatSeconds(1700000000123), '1700000000.123');
    assert.equal(formatSeconds(1700000000100), '1700000000.1');
    assert.equal(formatSeconds(1700000000000), '1700000000');
    assert.equal(formatSeconds(-1500), '-1.5');
    assert.equal(formatSeriesText(labelsFromRecord({ __name__: 'm', b: 'x"\\\n' })), 'm{b="x\\"\\\\\\n"}');
    assert.equal(formatSeriesText(labelsFromRecord({ __name__: 'm' }), labelsFromRecord({ dc: 'eu', __name__: 'no' })), 'm{dc="eu"}');
    assert.equal(formatSeriesText(labelsFromRecord({ __name__: 'm', dc: 'us' }), labelsFromRecord({ dc: 'eu', a: '1' })), 'm{a="1",dc="us"}');
  });
});

describe('exportSamples', () => {
  it('writes JSON lines, skipping staleness markers, nameless series last', async () => {
    const r = await run('json', ['{job=~"a|b"}']);
    assert.deepEqual(r.text.trim().split('\n').map((l) => JSON.parse(l) as unknown), [
      { metric: { __name__: 'temp', job: 'a', room: 'k"i\\t\nchen, 1' }, values: ['NaN'], timestamps: [T0 + 500] },
      { metric: { __name__: 'up', instance: 'x', job: 'a' }, values: [1, 0, 1], timestamps: [T0, T0 + 15_000, T0 + 30_000] },
      { metric: { __name__: 'up', instance: 'y', job: 'b' }, values: [1], timestamps: [T0] },
      { metric: { job: 'a', nameless: 'yes' }, values: ['+Inf'], timestamps: [T0] },
    ]);
    assert.equal(r.series, 4);
    assert.equal(r.samples, 6);
  });
  it('writes CSV with quoting', async () => {
    const r = await run('csv', ['temp', 'up{job="a"}'], T0, T0 + 15_000);
    assert.equal(
      r.text,
      'series,timestamp_ms,time,value\n' +
        `"temp{job=""a"",room=""k\\""i\\\\t\\nchen, 1""}",${T0 + 500},2024-01-15T00:00:00.500Z,NaN\n` +
        `"up{instance=""x"",job=""a""}",${T0},2024-01-15T00:00:00.000Z,1\n` +
        `"up{instance=""x"",job=""a""}",${T0 + 15_000},2024-01-15T00:00:15.000Z,0\n`,
    );
  });
  it('writes valid OpenMetrics, without nameless series', async () => {
    const r = await run('openmetrics', ['{job="a"}', 'up']);
    assert.match(r.text, /^# TYPE temp unknown\ntemp\{job="a",room="k\\"i\\\\t\\nchen, 1"\} NaN 1705276800\.5\n# TYPE up unknown\n/);
    assert.ok(r.text.endsWith('# EOF\n'));
    assert.ok(!r.text.includes('nameless'));
    const p = new ExpositionParser(r.text, 'openmetrics');
    let n = 0;
    while (p.next() !== undefined) n++;
    assert.equal(n, 2 + 5); // 2 TYPE lines, 5 samples (the staleness marker left out)
  });
  it('takes a series matched by two selectors once, and nothing out of range', async () => {
    assert.equal((await run('json', ['up', '{instance="x"}'])).series, 2);
    assert.equal((await run('json', ['up'], T0 + 100_000, T0 + 200_000)).text, '');
  });
});

describe('federate', () => {
  it('answers the newest sample within the lookback, with external labels', async () => {
    const text = await federate(data, { selectors: [parseMetricSelector('{job=~".+"}')], now: T0 + 60_000, externalLabels: labelsFromRecord({ dc: 'eu', job: 'ignored' }), format: 'text' });
    assert.equal(text, `# TYPE temp untyped\ntemp{dc="eu",job="a",room="k\\"i\\\\t\\nchen, 1"} NaN ${T0 + 500}\n# TYPE up untyped\nup{dc="eu",instance="x",job="a"} 1 ${T0 + 30_000}\n`);
    const late = await federate(data, { selectors: [parseMetricSelector('up')], now: T0 + 31_000 + 300_000, externalLabels: [], format: 'openmetrics' });
    assert.equal(late, '# EOF\n');
    const om = await federate(data, { selectors: [parseMetricSelector('up')], now: T0 + 60_000, externalLabels: [], format: 'openmetrics' });
    assert.equal(om, `# TYPE up unknown\nup{instance="x",job="a"} 1 ${(T0 + 30_000) / 1000}\n# EOF\n`);
  });
  it('negotiates the format', () => {
    assert.equal(federateFormat(undefined), 'text');
    assert.equal(federateFormat('text/plain;version=0.0.4'), 'text');
    assert.equal(federateFormat('application/openmetrics-text;version=1.0.0;q=0.6,text/plain;q=0.3,*/*;q=0.2'), 'openmetrics');
    assert.equal(federateFormat('application/openmetrics-text;q=0.1,*/*'), 'text');
    assert.equal(federateFormat('application/vnd.google.protobuf'), 'text');
  });
});

describe('parseImportText', () => {
  it('groups, sorts and dedupes per series, in either format', () => {
    const om = '# TYPE a gauge\na{x="1"} 2 20\na{x="1"} 1 10.5\n# TYPE b counter\nb_total 5 30\nb_total 5 30\n# TYPE a2 gauge\na2 1 1\n# EOF\n';
    const p = parseImportText(om);
    assert.equal(p.format, 'openmetrics');
    assert.deepEqual(p.series.map((s) => [formatSeriesText(s.labels), [...s.ts], [...s.vs]]), [
      ['a{x="1"}', [10_500, 20_000], [1, 2]],
      ['a2', [1000], [1]],
      ['b_total', [30_000], [5]],
    ]);
    assert.equal(p.samples, 4);
    assert.equal(p.duplicates, 1);
    assert.equal(p.minTime, 1000);
    assert.equal(p.maxTime, 30_000);
    const prom = parseImportText('# HELP m x\nm{b="2",a="1"} 3 2000\nm{a="1", b="2"} 4 1000\n');
    assert.equal(prom.format, 'prometheus');
    assert.deepEqual(prom.series.map((s) => [...s.ts]), [[1000, 2000]]);
  });
  it('detects the format', () => {
    assert.equal(detectFormat('a 1 1\n# EOF\n'), 'openmetrics');
    assert.equal(detectFormat('a 1 1\n# EOF'), 'openmetrics');
    assert.equal(detectFormat('a 1 1\n'), 'prometheus');
  });
  const bad: [string, string, RegExp][] = [
    ['garbage', 'hello world\n', /^line 1, column 7: expected a number/],
    ['binary', '\u0000\u0001\u0002', /^line 1, column 1: /],
    ['missing timestamp', 'a 1 1000\nb 2\n', /^line 2: sample b has no timestamp/],
    ['missing timestamp (OpenMetrics)', 'a 1 1\nb 2\n# EOF\n', /^line 2: sample b has no timestamp/],
    ['bad value', 'a{x="1"} one 1000\n', /^line 1, column 10: .*number/],
    ['duplicate label', 'a{x="1",x="2"} 1 1000\n', /^line 1, column 9: duplicate label name "x"/],
    ['conflicting duplicate', 'a 1 1000\nb 1 1000\na 2 1000\n', /^line 3: a has two different values at 1970-01-01T00:00:01\.000Z \(1000 ms\): lines 1 and 3/],
    ['unterminated label', 'a{x="1} 1 1000\n', /^line 1, column \d+: /],
  ];
  for (const [name, text, re] of bad) {
    it(`refuses ${name} with its line`, () => {
      assert.throws(
        () => parseImportText(text),
        (e: unknown) => e instanceof ImportError && re.test(e.message),
      );
    });
  }
  it('refuses OpenMetrics without # EOF when the format is forced', () => {
    assert.throws(() => parseImportText('a 1 1\n', { format: 'openmetrics' }), /^ImportError: line 2, column 1: expected "# EOF" at the end of the document \(read as OpenMetrics\)$/);
  });
  it('reports progress', () => {
    const calls: [number, number][] = [];
    parseImportText('a 1 1\nb 1 1\n', { onProgress: (l, n) => calls.push([l, n]) });
    assert.deepEqual(calls.at(-1), [3, 3]);
  });
});
