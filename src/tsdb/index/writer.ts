import { open, rename, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { compareLabels, formatLabels } from '../../model/index.js';
import { Encbuf } from './encoding.js';
import { HEADER_LEN, INDEX_MAGIC, INDEX_VERSION, IndexWriteError, type IndexSeries, compareStrings } from './format.js';
import { MemPostings } from './mem-postings.js';

/**
 * Writes a block index file at `path` (via `path.tmp`, fsync, rename, so a crash leaves
 * either no file or a complete one). `series` must be sorted strictly by `compareLabels`;
 * series id i in the file is the i-th series given. Chunk times must be integers with
 * |t| < 2^51; refs and lengths safe non-negative integers. Throws `IndexWriteError` on
 * bad input (nothing is left at `path`), or the fs error on I/O failure.
 */
export async function writeIndex(path: string, series: Iterable<IndexSeries>): Promise<void> {
  const bytes = encodeIndex(series);
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}

/** The bytes `writeIndex` would write (exposed for tests and for in-memory blocks). */
export function encodeIndex(input: Iterable<IndexSeries>): Uint8Array {
  const series = Array.isArray(input) ? (input as readonly IndexSeries[]) : [...input];
  const mp = new MemPostings();
  let minT = Infinity;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (i > 0 && compareLabels(series[i - 1]!.labels, s.labels) >= 0) {
      throw new IndexWriteError(`series ${i} ${formatLabels(s.labels)} is not after ${formatLabels(series[i - 1]!.labels)}`);
    }
    mp.add(i, s.labels);
    const first = s.chunks[0];
    if (first !== undefined && first.mint < minT) minT = first.mint;
  }
  if (minT === Infinity) minT = 0;

  // Symbols: every label name and value once, sorted; a symbol's ref is its position.
  const symSet = new Set<string>();
  for (const n of mp.labelNames()) {
    symSet.add(n);
    for (const v of mp.labelValues(n)) symSet.add(v);
  }
  const symbols = [...symSet].sort(compareStrings);
  const refs = new Map<string, number>();
  symbols.forEach((s, i) => refs.set(s, i));
  const ref = (s: string): number => refs.get(s)!;

  const e = new Encbuf();
  e.putU32(INDEX_MAGIC);
  e.putBytes(Uint8Array.of(INDEX_VERSION));
  const utf8 = new TextEncoder();

  const symbolsOff = section(e, () => {
    e.putUvarint(symbols.length);
    for (const s of symbols) {
      const b = utf8.encode(s);
      e.putUvarint(b.length);
      e.putBytes(b);
    }
  });

  const seriesOff = section(e, () => {
    e.putUvarint(series.length);
    e.putVarint(minT);
    const entry = new Encbuf();
    for (let i = 0; i < series.length; i++) {
      try {
        encodeSeries(entry, series[i]!, ref, minT);
      } catch (cause) {
        throw new IndexWriteError(`series ${i} ${formatLabels(series[i]!.labels)}: ${String(cause)}`, { cause });
      }
      e.putUvarint(entry.length);
      e.putBytes(entry.bytes());
    }
  });

  // Postings in (name, value) order; their sizes go into the label table.
  const names = mp.labelNames();
  const sizes: number[] = [];
  const postingsOff = section(e, () => {
    for (const n of names) {
      for (const v of mp.labelValues(n)) {
        const start = e.length;
        const p = mp.postings(n, v);
        let prev = -1;
        for (let k = 0; k < p.length; k++) {
          e.putUvarint(p[k]! - prev - 1);
          prev = p[k]!;
        }
        sizes.push(e.length - start);
      }
    }
  });

  const tableOff = section(e, () => {
    e.putUvarint(names.length);
    let k = 0;
    for (const n of names) {
      const values = mp.labelValues(n);
      e.putUvarint(ref(n));
      e.putUvarint(values.length);
      let prevRef = -1;
      for (const v of values) {
        const r = ref(v);
        e.putUvarint(r - prevRef - 1);
        prevRef = r;
        e.putUvarint(mp.count(n, v));
        e.putUvarint(sizes[k++]!);
      }
    }
  });

  const tocStart = e.length;
  for (const off of [symbolsOff, seriesOff, postingsOff, tableOff]) e.putU64(off);
  e.putU32(crc32(e.bytes(tocStart)));
  if (symbolsOff !== HEADER_LEN) throw new Error('unreachable: header length');
  return e.bytes().slice();
}

/** Writes `len | body | crc` around what `body` appends; returns the section's offset. */
function section(e: Encbuf, body: () => void): number {
  const off = e.length;
  e.putU32(0);
  body();
  const len = e.length - off - 4;
  e.setU32(off, len);
  e.putU32(crc32(e.bytes(off + 4, off + 4 + len)));
  return off;
}

/**
 * One series entry: labels as symbol refs, then per chunk
 * `mint - previous maxt` (zigzag; the block's minimum time before the first chunk),
 * `maxt - mint` (unsigned), `length << 5 | gap << 4 | encCode`, and the ref only for the
 * first chunk (absolute) or when the chunk does not start where the previous one ended
 * (gap = 1, zigzag delta from that end). encCode 0 = no encoding, 1..14 = encoding 0..13,
 * 15 = encoding follows as a uvarint.
 */
function encodeSeries(b: Encbuf, s: IndexSeries, ref: (s: string) => number, minT: number): void {
  b.reset();
  b.putUvarint(s.labels.length);
  for (const l of s.labels) {
    b.putUvarint(ref(l.name));
    b.putUvarint(ref(l.value));
  }
  b.putUvarint(s.chunks.length);
  let prevMaxt = minT;
  let prevEnd = 0;
  for (let i = 0; i < s.chunks.length; i++) {
    const c = s.chunks[i]!;
    checkTime(c.mint);
    checkTime(c.maxt);
    if (c.maxt < c.mint) throw new RangeError(`chunk ${i} has maxt ${c.maxt} < mint ${c.mint}`);
    if (!Number.isSafeInteger(c.length) || c.length < 0 || c.length >= 2 ** 47) throw new RangeError(`chunk ${i} length ${c.length} out of range`);
    const enc = c.encoding;
    if (enc !== undefined && (!Number.isSafeInteger(enc) || enc < 0)) throw new RangeError(`chunk ${i} encoding ${enc} out of range`);
    const encCode = enc === undefined ? 0 : enc < 14 ? enc + 1 : 15;
    const gap = i > 0 && c.ref !== prevEnd;
    b.putVarint(c.mint - prevMaxt);
    b.putUvarint(c.maxt - c.mint);
    b.putUvarint(c.length * 32 + (gap ? 16 : 0) + encCode);
    if (encCode === 15) b.putUvarint(enc!);
    if (i === 0) b.putUvarint(c.ref);
    else if (gap) b.putVarint(c.ref - prevEnd);
    prevMaxt = c.maxt;
    prevEnd = c.ref + c.length;
  }
}

function checkTime(t: number): void {
  if (!Number.isSafeInteger(t) || Math.abs(t) >= 2 ** 51) throw new RangeError(`chunk time ${t} is not an integer within ±2^51`);
}
