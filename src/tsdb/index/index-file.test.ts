import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CorruptionError } from '../../common/index.js';
import { compareLabels, labelsFromRecord, labelsKey, type Labels } from '../../model/index.js';
import { type ChunkMeta, type IndexSeries, IndexFile, IndexWriteError, encodeIndex, writeIndex } from './index.js';
import { rng } from './reader.contract.js';

/** ~n series shaped like a scrape target's: 1–12 chunks of 2h at 15 s resolution, contiguous in the chunk file. */
function blockSeries(n: number, seed: number, opts: { weirdTimes?: boolean } = {}): IndexSeries[] {
  const r = rng(seed);
  const byKey = new Map<string, Labels>();
  for (let i = 0; byKey.size < n; i++) {
    const l = labelsFromRecord({
      __name__: `metric_${Math.floor(r() * 100)}`,
      instance: `host-${Math.floor(r() * 200)}.example.org:9100`,
      job: `job${Math.floor(r() * 5)}`,
      ...(r() < 0.5 ? { mode: ['user', 'system', 'idle', 'iowait'][Math.floor(r() * 4)]! } : {}),
    });
    byKey.set(labelsKey(l), l);
  }
  const labels = [...byKey.values()].sort(compareLabels);
  let ref = 8;
  return labels.map((l) => {
    const chunks: ChunkMeta[] = [];
    let t = opts.weirdTimes ? Math.floor((r() - 0.5) * 2 ** 50) : 1_700_000_000_000 + Math.floor(r() * 60_000);
    const k = 1 + Math.floor(r() * 12);
    for (let c = 0; c < k; c++) {
      const len = 120 + Math.floor(r() * 200);
      const span = opts.weirdTimes && r() < 0.2 ? Math.floor(r() * 2 ** 40) : 119 * 15_000;
      const meta: ChunkMeta = r() < 0.9 ? { mint: t, maxt: t + span, ref, length: len, encoding: opts.weirdTimes && r() < 0.2 ? 14 + Math.floor(r() * 300) : 1 } : { mint: t, maxt: t + span, ref, length: len };
      chunks.push(meta);
      ref += len + (r() < 0.1 ? 1000 : 0);
      t += span + 15_000;
    }
    return { labels: l, chunks };
  });
}

async function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-index-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Calls every read method; any error other than CorruptionError fails the test. */
function exercise(f: IndexFile): void {
  for (let i = 0; i < f.numSeries(); i++) f.series(i);
  for (const n of f.labelNames()) for (const v of f.labelValues(n)) f.postings(n, v);
  f.allPostings();
}

test('writeIndex / IndexFile round trip: labels and chunk metas identical', async () => {
  await withDir(async (dir) => {
    for (const [n, weird] of [[0, false], [1, false], [5000, false], [700, true]] as const) {
      const series = blockSeries(n, n + 1, { weirdTimes: weird });
      const path = join(dir, `index-${n}`);
      await writeIndex(path, series);
      const f = await IndexFile.open(path);
      assert.equal(f.numSeries(), series.length);
      for (let i = 0; i < series.length; i++) assert.deepEqual(f.series(i), series[i], `series ${i}`);
      assert.deepEqual(f.labelsOf(0), series[0]?.labels);
      assert.equal(f.labelsOf(series.length), undefined);
      assert.throws(() => f.series(series.length), RangeError);
      if (n === 5000) {
        const chunks = series.reduce((a, s) => a + s.chunks.length, 0);
        console.log(`index size: ${f.size()} bytes for ${n} series, ${chunks} chunks: ${(f.size() / n).toFixed(1)} B/series`);
        assert.ok(f.size() / n < 120, 'index stays compact');
      }
      f.close();
    }
  });
});

test('writeIndex accepts a generator and rejects unsorted or out-of-range input', async () => {
  await withDir(async (dir) => {
    const series = blockSeries(50, 9);
    await writeIndex(join(dir, 'gen'), (function* () { yield* series; })());
    assert.equal((await IndexFile.open(join(dir, 'gen'))).numSeries(), 50);
    const path = join(dir, 'bad');
    await assert.rejects(writeIndex(path, [series[1]!, series[0]!]), IndexWriteError);
    await assert.rejects(writeIndex(path, [series[0]!, series[0]!]), IndexWriteError);
    const big = { labels: series[0]!.labels, chunks: [{ mint: 0, maxt: 2 ** 53, ref: 0, length: 1 }] };
    await assert.rejects(writeIndex(path, [big]), IndexWriteError);
    await assert.rejects(readFile(path), { code: 'ENOENT' });
  });
});

test('every truncation and every single-byte corruption is a CorruptionError at open', () => {
  const bytes = encodeIndex(blockSeries(40, 5));
  for (let len = 0; len < bytes.length; len++) {
    assert.throws(() => IndexFile.fromBytes('idx', bytes.subarray(0, len)), (e: unknown) => e instanceof CorruptionError && e.file === 'idx', `truncated to ${len}`);
  }
  for (let at = 0; at < bytes.length; at++) {
    const b = bytes.slice();
    b[at]! ^= 0x5a;
    assert.throws(() => IndexFile.fromBytes('idx', b), CorruptionError, `byte ${at} flipped`);
  }
});

test('garbage and crafted files with valid CRCs never crash or hang', () => {
  const r = rng(77);
  for (let k = 0; k < 200; k++) {
    const g = new Uint8Array(Math.floor(r() * 400));
    for (let i = 0; i < g.length; i++) g[i] = Math.floor(r() * 256);
    assert.throws(() => IndexFile.fromBytes('garbage', g), CorruptionError);
  }
  const good = encodeIndex(blockSeries(60, 6));
  const f0 = IndexFile.fromBytes('good', good);
  exercise(f0);
  // Section bounds from the TOC, to re-seal a damaged section with a correct CRC.
  const view = new DataView(good.buffer, good.byteOffset, good.byteLength);
  const sections = [0, 1, 2, 3].map((i) => {
    const off = Number(view.getBigUint64(good.length - 36 + 8 * i));
    return { off, len: view.getUint32(off) };
  });
  let opened = 0, failed = 0;
  for (let k = 0; k < 3000; k++) {
    const b = good.slice();
    const s = sections[k % 4]!;
    const at = s.off + 4 + Math.floor(r() * s.len);
    b[at] = Math.floor(r() * 256);
    if (r() < 0.3) b[s.off + 4 + Math.floor(r() * s.len)] = r() < 0.5 ? 0xff : 0;
    new DataView(b.buffer).setUint32(s.off + 4 + s.len, crc32(b.subarray(s.off + 4, s.off + 4 + s.len)));
    try {
      exercise(IndexFile.fromBytes('crafted', b));
      opened++;
    } catch (e) {
      assert.ok(e instanceof CorruptionError, `unexpected ${String(e)}`);
      failed++;
    }
  }
  assert.ok(failed > 0 && opened + failed === 3000);
});

test('open on disk names the file in the error', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'index');
    await writeFile(path, Buffer.from('not an index at all, clearly not'));
    await assert.rejects(IndexFile.open(path), (e: unknown) => e instanceof CorruptionError && e.message.includes(path));
  });
});
