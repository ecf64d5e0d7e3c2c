import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CorruptionError } from '../../common/index.js';
import type { Label, Labels } from '../../model/index.js';
import { Decbuf } from './encoding.js';
import { type ChunkMeta, HEADER_LEN, INDEX_MAGIC, INDEX_VERSION, type IndexSeries, SECTION_OVERHEAD, TOC_LEN } from './format.js';
import { type Postings, emptyPostings } from './postings.js';
import type { IndexReader } from './reader.js';

/** Per label name: its sorted values and where each value's postings lie. */
interface NameTable {
  readonly values: string[];
  /** Absolute file offset of each value's postings; entry `values.length` is the end. */
  readonly offsets: Float64Array;
  readonly counts: Uint32Array;
}

/**
 * A block's index file, read whole into memory. Opening validates the header, the TOC,
 * every section's CRC and decodes the symbol and label tables; series and postings are
 * decoded on demand (bounds-checked, so a crafted file with valid CRCs still yields
 * `CorruptionError`, never a crash or a hang). Immutable; `close` drops the buffer.
 */
export class IndexFile implements IndexReader {
  private constructor(
    readonly path: string,
    private buf: Uint8Array,
    private readonly symbols: readonly string[],
    private readonly names: readonly string[],
    private readonly tables: ReadonlyMap<string, NameTable>,
    /** Entry i of the series section spans [starts[i], ends[i]). */
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly minT: number,
  ) {}

  /** Reads and validates `path`. Throws `CorruptionError` on malformed content, the fs error if unreadable. */
  static async open(path: string): Promise<IndexFile> {
    return IndexFile.fromBytes(path, await readFile(path));
  }

  /** As `open`, over bytes already in memory; `path` is only used in error messages. */
  static fromBytes(path: string, buf: Uint8Array): IndexFile {
    if (buf.length >= 2 ** 32) throw new CorruptionError(path, 0, 'index files larger than 4 GiB are not supported');
    const min = HEADER_LEN + 4 * SECTION_OVERHEAD + TOC_LEN;
    if (buf.length < min) throw new CorruptionError(path, 0, `file is ${buf.length} bytes, shorter than an empty index (${min})`);
    const head = new Decbuf(buf, path, 0, HEADER_LEN);
    if (head.u32() !== INDEX_MAGIC) head.fail('bad magic number', 0);
    if (buf[4] !== INDEX_VERSION) head.fail(`unsupported version ${buf[4]}`, 4);

    const tocStart = buf.length - TOC_LEN;
    const toc = new Decbuf(buf, path, tocStart, buf.length);
    if (crc32(buf.subarray(tocStart, buf.length - 4)) !== new Decbuf(buf, path, buf.length - 4, buf.length).u32()) {
      toc.fail('table of contents CRC mismatch');
    }
    const offs = [toc.u64(), toc.u64(), toc.u64(), toc.u64()];
    // Sections are contiguous: header · symbols · series · postings · label table · TOC.
    const bodies: Decbuf[] = [];
    let expect = HEADER_LEN;
    for (let i = 0; i < 4; i++) {
      const off = offs[i]!;
      if (off !== expect) toc.fail(`section ${i} at ${off}, expected ${expect}`, tocStart + 8 * i);
      const len = new Decbuf(buf, path, off, tocStart).u32();
      const end = off + 4 + len;
      if (end + 4 > tocStart) throw new CorruptionError(path, off, `section length ${len} runs past the table of contents`);
      const body = new Decbuf(buf, path, off + 4, end);
      const want = new Decbuf(buf, path, end, end + 4).u32();
      if (crc32(buf.subarray(off + 4, end)) !== want) throw new CorruptionError(path, off, 'section CRC mismatch');
      bodies.push(body);
      expect = end + 4;
    }
    if (expect !== tocStart) throw new CorruptionError(path, expect, 'unaccounted bytes before the table of contents');
    const [symD, serD, postD, tabD] = bodies as [Decbuf, Decbuf, Decbuf, Decbuf];

    const symbols = readSymbols(symD);
    const numSeries = serD.uvarintMax(serD.remaining, 'series count');
    const minT = serD.varint();
    const starts = new Uint32Array(numSeries);
    const ends = new Uint32Array(numSeries);
    for (let i = 0; i < numSeries; i++) {
      const len = serD.uvarintMax(serD.remaining, 'series entry length');
      starts[i] = serD.pos;
      serD.pos += len;
      ends[i] = serD.pos;
    }
    if (serD.remaining !== 0) serD.fail('trailing bytes after the last series');

    const { names, tables } = readLabelTable(tabD, symbols, postD);
    return new IndexFile(path, buf, symbols, names, tables, starts, ends, minT);
  }

  numSeries(): number {
    return this.starts.length;
  }

  /** Labels and chunk metas of series `id` (0 ≤ id < numSeries()); throws RangeError for other ids. */
  series(id: number): IndexSeries {
    if (!Number.isInteger(id) || id < 0 || id >= this.starts.length) throw new RangeError(`series id ${id} out of range`);
    const d = new Decbuf(this.buf, this.path, this.starts[id]!, this.ends[id]!);
    const labels = this.readLabels(d);
    const n = d.uvarintMax(d.remaining, 'chunk count');
    const chunks: ChunkMeta[] = [];
    let prevMaxt = this.minT;
    let prevEnd = 0;
    for (let i = 0; i < n; i++) {
      const at = d.pos;
      const mint = prevMaxt + d.varint();
      const maxt = mint + d.uvarint();
      const head = d.uvarint();
      const length = Math.floor(head / 32);
      const encCode = head % 16;
      const enc = encCode === 15 ? d.uvarint() : encCode - 1;
      const ref = i === 0 ? d.uvarint() : head % 32 >= 16 ? prevEnd + d.varint() : prevEnd;
      if (!Number.isSafeInteger(mint) || !Number.isSafeInteger(maxt) || ref < 0 || !Number.isSafeInteger(ref + length)) {
        d.fail('chunk meta out of range', at);
      }
      chunks.push(enc < 0 ? { mint, maxt, ref, length } : { mint, maxt, ref, length, encoding: enc });
      prevMaxt = maxt;
      prevEnd = ref + length;
    }
    if (d.remaining !== 0) d.fail('trailing bytes in series entry');
    return { labels, chunks };
  }

  labelsOf(id: number): Labels | undefined {
    if (!Number.isInteger(id) || id < 0 || id >= this.starts.length) return undefined;
    return this.readLabels(new Decbuf(this.buf, this.path, this.starts[id]!, this.ends[id]!));
  }

  postings(name: string, value: string): Postings {
    const t = this.tables.get(name);
    if (t === undefined) return emptyPostings();
    const i = binarySearch(t.values, value);
    if (i < 0) return emptyPostings();
    const n = t.counts[i]!;
    const d = new Decbuf(this.buf, this.path, t.offsets[i]!, t.offsets[i + 1]!);
    const out = new Uint32Array(n);
    const limit = this.starts.length;
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const at = d.pos;
      prev = prev + 1 + d.uvarint();
      if (prev >= limit) d.fail(`posting ${prev} >= series count ${limit}`, at);
      out[k] = prev;
    }
    if (d.remaining !== 0) d.fail('trailing bytes in postings list');
    return out;
  }

  allPostings(): Postings {
    const out = new Uint32Array(this.starts.length);
    for (let i = 0; i < out.length; i++) out[i] = i;
    return out;
  }

  labelNames(): readonly string[] {
    return this.names;
  }

  labelValues(name: string): readonly string[] {
    return this.tables.get(name)?.values ?? [];
  }

  /** Number of series with `name`=`value`, from the label table (no postings decoding). */
  count(name: string, value: string): number {
    const t = this.tables.get(name);
    if (t === undefined) return 0;
    const i = binarySearch(t.values, value);
    return i < 0 ? 0 : t.counts[i]!;
  }

  /** Size of the file in bytes. */
  size(): number {
    return this.buf.length;
  }

  /** Releases the file's bytes; the object must not be used afterwards. */
  close(): void {
    this.buf = new Uint8Array(0);
  }

  private readLabels(d: Decbuf): Labels {
    const n = d.uvarintMax(d.remaining, 'label count');
    const labels: Label[] = [];
    for (let i = 0; i < n; i++) {
      const at = d.pos;
      const name = this.symbol(d);
      const value = this.symbol(d);
      if (value === '' || (i > 0 && !(labels[i - 1]!.name < name))) d.fail('labels not sorted or empty value', at);
      labels.push({ name, value });
    }
    return labels;
  }

  private symbol(d: Decbuf): string {
    return this.symbols[d.uvarintMax(this.symbols.length - 1, 'symbol ref')]!;
  }
}

function binarySearch(values: readonly string[], v: string): number {
  let lo = 0, hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = values[mid]!;
    if (x < v) lo = mid + 1;
    else if (x > v) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** Symbols: count, then (length, UTF-8 bytes) each, strictly increasing. */
function readSymbols(d: Decbuf): string[] {
  const n = d.uvarintMax(d.remaining, 'symbol count');
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = d.pos;
    const b = d.bytes(d.uvarintMax(d.remaining, 'symbol length'));
    let s: string;
    try {
      s = dec.decode(b);
    } catch (cause) {
      throw new CorruptionError(d.file, at, 'symbol is not valid UTF-8', { cause });
    }
    if (i > 0 && !(out[i - 1]! < s)) d.fail('symbols not strictly increasing', at);
    out.push(s);
  }
  if (d.remaining !== 0) d.fail('trailing bytes after the last symbol');
  return out;
}

/**
 * Label table: names (sorted), each with its values (sorted, as symbol-ref deltas) and
 * each value's series count and postings byte length; postings lie back to back in the
 * postings section in the same order.
 */
function readLabelTable(d: Decbuf, symbols: readonly string[], postings: Decbuf): { names: string[]; tables: Map<string, NameTable> } {
  const sym = (r: number, at: number): string => {
    if (r >= symbols.length) d.fail(`symbol ref ${r} >= ${symbols.length}`, at);
    return symbols[r]!;
  };
  const nNames = d.uvarintMax(d.remaining, 'label name count');
  const names: string[] = [];
  const tables = new Map<string, NameTable>();
  let off = postings.pos;
  for (let i = 0; i < nNames; i++) {
    const at = d.pos;
    const name = sym(d.uvarint(), at);
    if (i > 0 && !(names[i - 1]! < name)) d.fail('label names not strictly increasing', at);
    const nValues = d.uvarintMax(d.remaining, 'label value count');
    const values: string[] = [];
    const offsets = new Float64Array(nValues + 1);
    const counts = new Uint32Array(nValues);
    let ref = -1;
    for (let k = 0; k < nValues; k++) {
      const vat = d.pos;
      ref = ref + 1 + d.uvarint();
      const v = sym(ref, vat);
      if (v === '') d.fail('empty label value', vat);
      values.push(v);
      const count = d.uvarint();
      const size = d.uvarint();
      // Each posting takes at least one byte.
      if (count > size || off + size > postings.end) d.fail(`postings of ${name}=${JSON.stringify(v)} overrun their section`, vat);
      counts[k] = count;
      offsets[k] = off;
      off += size;
    }
    offsets[nValues] = off;
    names.push(name);
    tables.set(name, { values, offsets, counts });
  }
  if (d.remaining !== 0) d.fail('trailing bytes after the label table');
  if (off !== postings.end) postings.fail('postings section has bytes no label value accounts for', off);
  return { names, tables };
}
