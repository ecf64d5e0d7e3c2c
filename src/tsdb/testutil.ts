import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, silentLogger } from '../common/index.js';
import { Matcher, labelsFromRecord, labelsKey, type Labels } from '../model/index.js';
import { collectSamples, type Querier } from '../storage/index.js';
import { Db } from './db.js';
import type { DbOptions } from './options.js';

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(prefix = 'vigie-tsdb-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function openTestDb(dir: string, extra: Partial<DbOptions> = {}): Promise<Db> {
  return Db.open({ dir, logger: silentLogger(), clock: new ManualClock(Date.UTC(2026, 0, 1)), maintenanceInterval: 3_600_000, walSyncInterval: 0, ...extra });
}

/** Brute-force reference of what a database should hold. */
export class Reference {
  /** Values in Float64Arrays (see collectSamples: plain arrays would quiet the staleness NaN). */
  readonly series = new Map<string, { labels: Labels; t: number[]; v: Float64Array }>();
  add(labels: Labels, t: number, v: number): void {
    const k = labelsKey(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { labels, t: [], v: new Float64Array(16) }));
    if (s.t.length === s.v.length) {
      const w = new Float64Array(s.v.length * 2);
      w.set(s.v);
      s.v = w;
    }
    s.v[s.t.length] = v;
    s.t.push(t);
  }
}

/** Every series of `q` as {key → samples}, via a select of all series. */
export function dump(q: Querier, matchers: Matcher[] = [new Matcher('=~', '__name__', '.*')]): Map<string, { t: number[]; v: Float64Array }> {
  const out = new Map<string, { t: number[]; v: Float64Array }>();
  const set = q.select(matchers);
  while (set.next()) {
    const s = set.at();
    out.set(labelsKey(s.labels), collectSamples(s.iterator()));
  }
  const e = set.err();
  if (e) throw e;
  return out;
}

/** Series `m{host="h<i>", kind=...}` for i < n. */
export function testLabels(n: number, metric = 'm'): Labels[] {
  return Array.from({ length: n }, (_, i) => labelsFromRecord({ __name__: metric, host: `h${i}`, kind: i % 3 === 0 ? 'a' : 'b' }));
}

/** Same bits, so NaN payloads and -0 compare exactly. */
export function bitsEqual(a: number, b: number): boolean {
  const x = new Float64Array([a, b]);
  const u = new Uint32Array(x.buffer);
  return u[0] === u[2] && u[1] === u[3];
}
