import assert from 'node:assert/strict';
import { type Labels, type MatchType, Matcher, compareLabels, labelsFromPairs, labelsKey, matchesAll } from '../../model/index.js';
import { type IndexReader, labelNamesFor, labelValuesFor, postingsForMatchers } from './index.js';

/**
 * The contract every `IndexReader` meets, checked against a brute-force filter. `build`
 * receives series sorted by `compareLabels` and must index series i under id i.
 */
export async function checkReaderContract(build: (series: readonly Labels[]) => Promise<IndexReader> | IndexReader, seed = 1): Promise<void> {
  const r = rng(seed);
  const series = randomSeries(r, 3000);
  const reader = await build(series);
  const all = series.map((_, i) => i);

  assert.deepEqual([...reader.allPostings()], all);
  const names = [...new Set(series.flatMap((s) => s.map((l) => l.name)))].sort();
  assert.deepEqual([...reader.labelNames()], names);
  for (const n of names) {
    const values = [...new Set(series.flatMap((s) => s.filter((l) => l.name === n).map((l) => l.value)))].sort();
    assert.deepEqual([...reader.labelValues(n)], values, `values of ${n}`);
    for (const v of values.slice(0, 5)) {
      assert.deepEqual([...reader.postings(n, v)], all.filter((i) => series[i]!.some((l) => l.name === n && l.value === v)));
    }
  }
  assert.deepEqual([...reader.postings('nope', 'x')], []);
  assert.deepEqual([...reader.postings('job', 'nope')], []);
  assert.deepEqual([...reader.labelValues('nope')], []);

  const check = (ms: Matcher[]): void => {
    const what = ms.map(String).join(', ');
    const want = all.filter((i) => matchesAll(ms, series[i]!));
    assert.deepEqual([...postingsForMatchers(reader, ms)], want, `postings {${what}}`);
    const wantNames = [...new Set(want.flatMap((i) => series[i]!.map((l) => l.name)))].sort();
    assert.deepEqual(labelNamesFor(reader, ms), ms.length === 0 ? names : wantNames, `names {${what}}`);
    for (const n of ['job', 'instance']) {
      const wantValues = [...new Set(want.flatMap((i) => series[i]!.filter((l) => l.name === n).map((l) => l.value)))].sort();
      assert.deepEqual(labelValuesFor(reader, n, ms), wantValues, `values of ${n} {${what}}`);
    }
  };

  // Hand-picked cases first (clear failure messages), then random combinations.
  const fixed: [MatchType, string, string][][] = [
    [],
    [['=', '__name__', 'm1']],
    [['=', 'env', '']],
    [['!=', 'env', '']],
    [['!=', 'env', 'prod']],
    [['=~', 'env', '.*']],
    [['=~', 'env', '.+']],
    [['!~', 'env', 'prod']],
    [['!~', 'env', '.*']],
    [['=~', 'job', 'j1|j2']],
    [['=~', 'job', 'j1|']],
    [['!~', 'job', 'j1|j2']],
    [['!~', 'job', 'j1|']],
    [['=~', 'instance', 'i1.*']],
    [['=~', 'instance', 'i1?']],
    [['!~', 'instance', 'i1.*']],
    [['=', 'absent', '']],
    [['!=', 'absent', 'x']],
    [['=', 'absent', 'x']],
    [['=~', 'absent', '.+']],
    [['=', '__name__', 'm1'], ['=~', 'instance', 'i1.*']],
    [['=', '__name__', 'm2'], ['!=', 'job', 'j1'], ['=', 'env', '']],
    [['=~', '__name__', 'm1|m3'], ['!~', 'instance', 'i2.*'], ['=~', 'job', '.*']],
    [['!=', 'job', 'j0'], ['!=', 'job', 'j1']],
  ];
  for (const f of fixed) check(f.map(([t, n, v]) => new Matcher(t, n, v)));

  const names5 = ['__name__', 'job', 'instance', 'env', 'absent'];
  const types: MatchType[] = ['=', '!=', '=~', '!~'];
  const literals = ['', 'm0', 'm1', 'j1', 'j3', 'i1', 'i12', 'prod', 'x', 'dev'];
  const regexps = ['.*', '.+', '', 'm1|m2', 'j1|j2|zz', 'i1.*', 'i.*1', 'i[0-4]', 'prod|', 'p.*|d.*', '(j0|j1)', 'x', 'm.', 'i1+'];
  for (let k = 0; k < 300; k++) {
    const ms: Matcher[] = [];
    const n = 1 + Math.floor(r() * 3);
    for (let j = 0; j < n; j++) {
      const t = pick(r, types);
      ms.push(new Matcher(t, pick(r, names5), t === '=' || t === '!=' ? pick(r, literals) : pick(r, regexps)));
    }
    check(ms);
  }
}

function randomSeries(r: () => number, n: number): Labels[] {
  const byKey = new Map<string, Labels>();
  for (let i = 0; i < n; i++) {
    const pairs: [string, string][] = [['__name__', `m${Math.floor(r() * 5)}`]];
    if (r() < 0.8) pairs.push(['job', `j${Math.floor(r() * 4)}`]);
    if (r() < 0.9) pairs.push(['instance', `i${Math.floor(r() * 40)}`]);
    if (r() < 0.5) pairs.push(['env', pick(r, ['prod', 'dev', 'pré-prod é', 'q\n"x"'])]);
    if (r() < 0.05) pairs.push(['rare', `r${i}`]);
    const labels = labelsFromPairs(pairs);
    byKey.set(labelsKey(labels), labels);
  }
  return [...byKey.values()].sort(compareLabels);
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** mulberry32: deterministic so failures reproduce. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
