/**
 * A measurement, not a test: builds a MemPostings of 1M series (100 metric names ×
 * 10k instances, plus job and zone labels) and times typical selectors; then writes and
 * reopens a 5,000-series block index. Run: `node dist/src/tsdb/index/bench-index.js`
 * (add --expose-gc for steadier memory figures).
 */
import { labelsFromRecord, Matcher, type MatchType } from '../../model/index.js';
import { IndexFile, MemPostings, encodeIndex, postingsForMatchers } from './index.js';

const NAMES = 100;
const INSTANCES = 10_000;

function mem(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function time(label: string, f: () => number, reps = 20): void {
  for (let i = 0; i < 5; i++) f(); // warm up the JIT
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < reps; i++) n = f();
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(58)} ${ms.toFixed(2).padStart(8)} ms  (${n} series)`);
}

function main(): void {
  // Label sets built up front so their memory is not counted as the index's.
  const instances = Array.from({ length: INSTANCES }, (_, i) => `i${i}`);
  const names = Array.from({ length: NAMES }, (_, i) => `m${i}`);
  const labels = [];
  for (let m = 0; m < NAMES; m++) {
    for (let i = 0; i < INSTANCES; i++) {
      labels.push(labelsFromRecord({ __name__: names[m]!, instance: instances[i]!, job: `job${i % 20}`, zone: `z${i % 3}` }));
    }
  }
  const before = mem();
  const t0 = performance.now();
  const mp = new MemPostings();
  // Ids interleaved instance-major, as a scraper would create them.
  let id = 0;
  for (let i = 0; i < INSTANCES; i++) for (let m = 0; m < NAMES; m++) mp.add(id++, labels[m * INSTANCES + i]!);
  const buildMs = performance.now() - t0;
  const bytes = mem() - before;
  console.log(`MemPostings: ${id} series built in ${buildMs.toFixed(0)} ms, ${(bytes / 2 ** 20).toFixed(1)} MiB (${(bytes / id).toFixed(1)} B/series)`);

  const q = (...ms: [MatchType, string, string][]): (() => number) => {
    const matchers = ms.map(([t, n, v]) => new Matcher(t, n, v));
    return () => postingsForMatchers(mp, matchers).length;
  };
  time('{__name__="m1"}', q(['=', '__name__', 'm1']));
  time('{__name__="m1", instance=~"i1.*"}', q(['=', '__name__', 'm1'], ['=~', 'instance', 'i1.*']));
  time('{__name__="m1", instance=~".*1"}', q(['=', '__name__', 'm1'], ['=~', 'instance', '.*1']));
  time('{__name__="m1", instance="i42"}', q(['=', '__name__', 'm1'], ['=', 'instance', 'i42']));
  time('{job!="x"}', q(['!=', 'job', 'x']));
  time('{job!="job1"}', q(['!=', 'job', 'job1']));
  time('{__name__="m1", job!="job1"}', q(['=', '__name__', 'm1'], ['!=', 'job', 'job1']));
  time('{__name__=~"m1|m2|m3", zone="z1"}', q(['=~', '__name__', 'm1|m2|m3'], ['=', 'zone', 'z1']));
  time('{__name__=~"m1.*", job=~"job1|job2", instance!~"i9.*"}', q(['=~', '__name__', 'm1.*'], ['=~', 'job', 'job1|job2'], ['!~', 'instance', 'i9.*']));
  time('{__name__="m1", absent=""}', q(['=', '__name__', 'm1'], ['=', 'absent', '']));
  const t1 = performance.now();
  const dead = new Set<number>();
  for (let i = 0; i < id; i += 10) dead.add(i);
  mp.delete(dead);
  console.log(`delete 100k of 1M series: ${(performance.now() - t1).toFixed(0)} ms`);

  // Block index of 5,000 series.
  const series = [];
  for (let m = 0; m < 25; m++) for (let i = 0; i < 200; i++) series.push(labels[m * INSTANCES + i]!);
  series.sort((a, b) => (a[0]!.value < b[0]!.value ? -1 : a[0]!.value > b[0]!.value ? 1 : a[1]!.value < b[1]!.value ? -1 : a[1]!.value > b[1]!.value ? 1 : 0));
  let ref = 0;
  const block = series.map((l) => ({
    labels: l,
    chunks: Array.from({ length: 6 }, (_, c) => {
      const mint = 1_700_000_000_000 + c * 1_800_000;
      const meta = { mint, maxt: mint + 1_785_000, ref, length: 180, encoding: 1 };
      ref += 180;
      return meta;
    }),
  }));
  const t2 = performance.now();
  const bytesOut = encodeIndex(block);
  const t3 = performance.now();
  const f = IndexFile.fromBytes('bench', bytesOut);
  const t4 = performance.now();
  console.log(`block index: 5000 series × 6 chunks → ${bytesOut.length} bytes (${(bytesOut.length / 5000).toFixed(1)} B/series), encode ${(t3 - t2).toFixed(1)} ms, open ${(t4 - t3).toFixed(1)} ms`);
  const fq = new Matcher('=~', 'instance', 'i1.*');
  const fn = new Matcher('=', '__name__', 'm1');
  time('block: {__name__="m1", instance=~"i1.*"}', () => postingsForMatchers(f, [fn, fq]).length, 100);
}

main();
