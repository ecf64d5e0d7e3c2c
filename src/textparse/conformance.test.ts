// Runs the exposition inputs of ../shared/conformance (read at run time, never copied here):
// the official OpenMetrics parser suite and real Prometheus / node_exporter pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExpositionFormat, ExpositionParseError, ExpositionParser } from './index.js';

/** ../shared/conformance/exposition relative to the repository root (the folder holding package.json). */
function expositionDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const d = join(dir, '..', 'shared', 'conformance', 'exposition');
  return existsSync(d) ? d : undefined;
}

const DIR = expositionDir();
const skip = DIR === undefined ? 'conformance data not found at ../shared/conformance' : false;

function parseAll(text: string, format: ExpositionFormat, strict = false): number {
  const p = new ExpositionParser(text, format, { strict });
  let n = 0;
  for (let k = p.next(); k !== undefined; k = p.next()) {
    if (k !== 'series') continue;
    n++;
    p.labelPairs();
    p.exemplar();
  }
  return n;
}

interface CaseSpec {
  shouldParse?: boolean;
}

test('OpenMetrics parser suite: strict mode matches every shouldParse', { skip }, () => {
  const root = join(DIR!, 'openmetrics-parsers');
  const cases = readdirSync(root).sort();
  assert.ok(cases.length >= 200, `only ${cases.length} cases found`);
  const failures: string[] = [];
  for (const c of cases) {
    const spec = JSON.parse(readFileSync(join(root, c, 'test.json'), 'utf8')) as CaseSpec;
    const shouldParse = spec.shouldParse ?? !c.startsWith('bad_');
    assert.equal(shouldParse, !c.startsWith('bad_'), `${c}: test.json disagrees with the case name`);
    const text = readFileSync(join(root, c, 'metrics'), 'utf8');
    try {
      parseAll(text, 'openmetrics', true);
      if (!shouldParse) failures.push(`${c}: parsed but must fail`);
    } catch (e) {
      if (!(e instanceof ExpositionParseError)) failures.push(`${c}: threw ${String(e)}`);
      else if (shouldParse) failures.push(`${c}: ${e.message}`);
      else if (!(e.line >= 1 && /^line \d+, column \d+: /.test(e.message))) failures.push(`${c}: error does not name the line`);
    }
  }
  assert.deepEqual(failures, []);
});

test('OpenMetrics parser suite: default (scrape) mode rejects all but the value-rule cases', { skip }, () => {
  const root = join(DIR!, 'openmetrics-parsers');
  const valueRules = /^bad_(counter_values|histograms|info_and_stateset_values)_/;
  const failures: string[] = [];
  for (const c of readdirSync(root).sort()) {
    const text = readFileSync(join(root, c, 'metrics'), 'utf8');
    let ok = true;
    try {
      parseAll(text, 'openmetrics');
    } catch {
      ok = false;
    }
    const expected = !c.startsWith('bad_') || (valueRules.test(c) && !['bad_histograms_4', 'bad_histograms_5', 'bad_histograms_12'].includes(c));
    if (ok !== expected) failures.push(`${c}: ${ok ? 'parsed' : 'failed'}`);
  }
  assert.deepEqual(failures, []);
});

const PAGES: [string, ExpositionFormat][] = [
  ['node_exporter-e2e-output.txt', 'prometheus'],
  ['node_exporter-e2e-64k-page-output.txt', 'prometheus'],
  ['alltypes.237mfs.prom.txt', 'prometheus'],
  ['alltypes.237mfs.nometa.prom.txt', 'prometheus'],
  ['alltypes.5mfs.om.txt', 'openmetrics'],
  ['1histogram.om.txt', 'openmetrics'],
  ['promtool-metrics-test.prom', 'prometheus'],
];

for (const [file, format] of PAGES) {
  test(`${file} parses to one series per sample line`, { skip }, () => {
    const text = readFileSync(join(DIR!, file), 'utf8');
    const sampleLines = text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')).length;
    assert.ok(sampleLines > 0);
    assert.equal(parseAll(text, format), sampleLines);
  });
}

test('promtool fixture: per-family series counts', { skip }, () => {
  const text = readFileSync(join(DIR!, 'promtool-metrics-test.prom'), 'utf8');
  const p = new ExpositionParser(text, 'prometheus');
  const counts = new Map<string, number>();
  let family = '';
  for (let k = p.next(); k !== undefined; k = p.next()) {
    if (k === 'type') family = p.familyName();
    if (k === 'series') counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  assert.deepEqual(Object.fromEntries(counts), {
    prometheus_tsdb_compaction_chunk_size_bytes: 15,
    go_gc_duration_seconds: 7,
    net_conntrack_dialer_conn_attempted_total: 4,
    go_info: 1,
  });
});

test('alltypes.5mfs.om.txt: six exemplars, and strict mode flags its _sum with negative buckets', { skip }, () => {
  const text = readFileSync(join(DIR!, 'alltypes.5mfs.om.txt'), 'utf8');
  const p = new ExpositionParser(text, 'openmetrics');
  let exemplars = 0;
  for (let k = p.next(); k !== undefined; k = p.next()) if (k === 'series' && p.exemplar() !== undefined) exemplars++;
  assert.equal(exemplars, 6);
  assert.throws(() => parseAll(text, 'openmetrics', true), /negative/);
});
