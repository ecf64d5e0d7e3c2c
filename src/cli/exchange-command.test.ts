import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError, parseCommandLine } from './args.js';
import { exportPeriods } from './export-command.js';
import { main } from './index.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 15); // a Monday

describe('vigie export / import arguments', () => {
  it('parses export flags', () => {
    const c = parseCommandLine(['export', '--match', 'up', '--match', '{job="a"}', '--from', '2024-01-15', '--to', '1705363200', '--format', 'csv', '--out', 'logs', '--split', 'day']);
    assert.deepEqual(c, { kind: 'export', flags: { match: ['up', '{job="a"}'], from: T0, to: T0 + DAY, format: 'csv', outDir: 'logs', split: 'day', dataDir: './data' } });
    assert.deepEqual(parseCommandLine(['import', 'f.om']), { kind: 'import', flags: { file: 'f.om', format: 'auto', dataDir: './data' } });
  });
  it('takes times relative to now', () => {
    const before = Date.now();
    const c = parseCommandLine(['export', '--match', 'up', '--from', 'now-7d', '--to', 'now-1h30m']);
    const after = Date.now();
    assert.equal(c.kind, 'export');
    if (c.kind !== 'export') return;
    assert.equal(c.flags.to - c.flags.from, 7 * DAY - 5_400_000, 'both against the same now');
    assert.ok(c.flags.to >= before - 5_400_000 && c.flags.to <= after - 5_400_000);
    const n = parseCommandLine(['export', '--match', 'up', '--from', 'now-1d', '--to', 'now']);
    assert.ok(n.kind === 'export' && n.flags.to - n.flags.from === DAY);
    assert.throws(() => parseCommandLine(['export', '--match', 'up', '--from', 'now-7x']), /--from: invalid time "now-7x"/);
    assert.throws(() => parseCommandLine(['export', '--match', 'up', '--from', 'now-']), /--from: invalid time "now-"/);
  });
  for (const bad of [
    ['export', '--from', '0'],
    ['export', '--match', 'up'],
    ['export', '--match', 'up', '--from', 'yesterday'],
    ['export', '--match', 'up', '--from', '10', '--to', '5'],
    ['export', '--match', 'up', '--from', '0', '--split', 'day'],
    ['export', '--match', 'up', '--from', '0', '--out', 'x', '--split', 'month'],
    ['export', '--match', 'up', '--from', '0', '--format', 'xml'],
    ['import'],
    ['import', 'a', 'b'],
    ['import', 'a', '--format', 'csv'],
  ]) {
    it(`refuses ${bad.join(' ')}`, () => assert.throws(() => parseCommandLine(bad), UsageError));
  }
  it('cuts days and ISO weeks', () => {
    const days = exportPeriods({ from: T0 + 1000, to: T0 + DAY + 5, split: 'day', outDir: 'x', format: 'csv' });
    assert.deepEqual(days, [
      { from: T0 + 1000, to: T0 + DAY - 1, name: '2024-01-15.csv' },
      { from: T0 + DAY, to: T0 + DAY + 5, name: '2024-01-16.csv' },
    ]);
    const weeks = exportPeriods({ from: T0 - DAY, to: T0 + 2 * DAY, split: 'week', outDir: 'x', format: 'json' });
    assert.deepEqual(weeks.map((w) => w.name), ['week-2024-01-08.jsonl', 'week-2024-01-15.jsonl']);
    assert.equal(weeks[1]!.from, T0);
    assert.deepEqual(exportPeriods({ from: 1, to: 2, split: undefined, outDir: undefined, format: 'openmetrics' }), [{ from: 1, to: 2, name: undefined }]);
  });
});

describe('vigie import and export (real database)', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigie-exchange-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  // Out of order across and within series, over two days, with a duplicate, NaN and escapes.
  const input = [
    '# HELP temp Temperature.',
    '# TYPE temp gauge',
    `temp{room="kitchen"} 21.5 ${(T0 + DAY + 60_000) / 1000}`,
    `temp{room="kitchen"} 20 ${T0 / 1000}`,
    `temp{room="hall \\"north\\""} NaN ${(T0 + 30_000) / 1000}`,
    '# TYPE req counter',
    `req_total{code="200"} 10 ${(T0 + 60_000) / 1000}`,
    `req_total{code="200"} 5 ${(T0 + 1500) / 1000}`,
    `req_total{code="200"} 5 ${(T0 + 1500) / 1000}`,
    `temp{room="kitchen"} 20.5 ${(T0 + 60_000) / 1000}`,
    '# EOF',
    '',
  ].join('\n');

  it('imports out-of-order OpenMetrics and prints a summary', async () => {
    await writeFile(join(dir, 'in.om'), input);
    const r = await run(['import', join(dir, 'in.om'), '--data-dir', join(dir, 'a')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /series: {3}3\n/);
    assert.match(r.out, /samples: {2}6 \(6 into \d+ new block\(s\), 0 into the head\)/);
    assert.match(r.out, /from: {5}2024-01-15T00:00:00\.000Z\n {2}to: {7}2024-01-16T00:01:00\.000Z/);
    assert.match(r.out, /1 duplicate samples/);
  });

  const exportAll = async (dataDir: string, format: string): Promise<string> => {
    const r = await run(['export', '--match', '{__name__=~".+"}', '--from', '2024-01-01', '--to', '2024-02-01', '--format', format, '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^exported 6 samples of 3 series\n$/);
    return r.out;
  };

  it('round-trips: export -> import -> export gives the same samples', async () => {
    const om = await exportAll(join(dir, 'a'), 'openmetrics');
    assert.match(om, /^# TYPE req_total unknown\nreq_total\{code="200"\} 5 1705276801\.5\nreq_total\{code="200"\} 10 1705276860\n# TYPE temp unknown\ntemp\{room="hall \\"north\\""\} NaN 1705276830\n/);
    await writeFile(join(dir, 'again.om'), om);
    const r = await run(['import', join(dir, 'again.om'), '--data-dir', join(dir, 'b')]);
    assert.equal(r.code, 0, r.err);
    for (const format of ['openmetrics', 'json', 'csv']) {
      assert.equal(await exportAll(join(dir, 'b'), format), await exportAll(join(dir, 'a'), format), format);
    }
    // JSON lines are re-importable too once turned back into text: check their content instead.
    const lines = (await exportAll(join(dir, 'b'), 'json')).trim().split('\n').map((l) => JSON.parse(l) as { metric: Record<string, string>; values: unknown[] });
    assert.deepEqual(lines.map((l) => l.values), [[5, 10], ['NaN'], [20, 20.5, 21.5]]);
  });

  it('writes one file per day with --split day', async () => {
    const out = join(dir, 'logs');
    const r = await run(['export', '--match', 'temp', '--from', '2024-01-14', '--to', '2024-01-17', '--format', 'csv', '--out', out, '--split', 'day', '--data-dir', join(dir, 'a')]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((await readdir(out)).sort(), ['2024-01-15.csv', '2024-01-16.csv']);
    assert.match(r.err, /^exported 4 samples of 2 series into 2 file\(s\) in /, 'a series in both files counts once');
    const day2 = await readFile(join(out, '2024-01-16.csv'), 'utf8');
    assert.equal(day2, `series,timestamp_ms,time,value\n"temp{room=""kitchen""}",${T0 + DAY + 60_000},2024-01-16T00:01:00.000Z,21.5\n`);
  });

  it('says clearly when a server holds the data directory', async () => {
    await mkdir(join(dir, 'a', 'tsdb'), { recursive: true });
    await writeFile(join(dir, 'a', 'tsdb', 'lock'), String(process.ppid));
    try {
      const r = await run(['export', '--match', 'up', '--from', '0', '--data-dir', join(dir, 'a')]);
      assert.equal(r.code, 1);
      assert.match(r.err, /is in use by process \d+/);
      assert.match(r.err, /A Vigie server is probably running/);
      assert.match(r.err, /curl -G 'http:\/\/127\.0\.0\.1:9400\/api\/v1\/export' --data-urlencode 'match\[\]=up' -d start=0/);
      const i = await run(['import', join(dir, 'in.om'), '--data-dir', join(dir, 'a')]);
      assert.equal(i.code, 1);
      assert.match(i.err, /in use/);
    } finally {
      await rm(join(dir, 'a', 'tsdb', 'lock'));
    }
  });

  it('refuses bad import input with the line, importing nothing', async () => {
    const cases: [string, RegExp][] = [
      ['m 1 1000\nm{a="b"} 2\n', /line 2: sample m\{a="b"\} has no timestamp/],
      ['\u0000garbage\n', /line 1, column 1: /],
      ['m 1 1000\nm 2 1000\n', /line 2: m has two different values/],
      ['', /no samples found/],
    ];
    for (const [text, re] of cases) {
      await writeFile(join(dir, 'bad.txt'), text);
      const r = await run(['import', join(dir, 'bad.txt'), '--data-dir', join(dir, 'c')]);
      assert.equal(r.code, 1);
      assert.match(r.err, re);
    }
    const r = await run(['import', join(dir, 'missing.txt'), '--data-dir', join(dir, 'c')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot read/);
  });

  it('reports a missing database and bad selectors', async () => {
    let r = await run(['export', '--match', 'up', '--from', '0', '--data-dir', join(dir, 'nothing')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /no database in/);
    r = await run(['export', '--match', 'up{', '--from', '0', '--data-dir', join(dir, 'a')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /invalid selector --match "up\{"/);
  });

  it('has help', async () => {
    const r = await run(['help', 'export']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--split day\|week/);
    assert.match((await run(['import', '--help'])).out, /Usage: vigie import FILE/);
  });
});
