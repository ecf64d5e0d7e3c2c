import type { Label, Labels } from '../../model/index.js';
import { ByteReader, putUvarint } from './varint.js';
import { RecordDecodeError, RecordEncodeError, RecordType } from './types.js';

/**
 * Series record (see docs/format/wal.md):
 *
 *   type=1 | uvarint(count) | { uvarint(ref) uvarint(nLabels) { str(name) str(value) }* }*
 *   str(s) = uvarint(byteLength) UTF-8 bytes
 *
 * Labels are stored in `Labels` order (sorted by name, names unique, values non-empty);
 * the decoder checks that order so what it returns honours the `Labels` contract.
 */

/** One series as the head creates it: its process-local ref and its identity. */
export interface SeriesEntry {
  readonly ref: number;
  readonly labels: Labels;
}

/** Encodes series entries; throws `RecordEncodeError` for a bad ref or labels out of order. */
export function encodeSeries(entries: readonly SeriesEntry[]): Uint8Array {
  let size = 1 + 8;
  for (const e of entries) {
    size += 16;
    for (const l of e.labels) size += 16 + Buffer.byteLength(l.name, 'utf8') + Buffer.byteLength(l.value, 'utf8');
  }
  const buf = Buffer.allocUnsafe(size);
  buf[0] = RecordType.Series;
  let pos = putUvarint(buf, 1, entries.length);
  for (const e of entries) {
    if (!Number.isSafeInteger(e.ref) || e.ref < 0) throw new RecordEncodeError(`series ref ${e.ref} is not a non-negative safe integer`);
    pos = putUvarint(buf, pos, e.ref);
    pos = putUvarint(buf, pos, e.labels.length);
    let prev: string | undefined;
    for (const l of e.labels) {
      if (l.name === '' || l.value === '' || (prev !== undefined && !(prev < l.name))) {
        throw new RecordEncodeError(`series ${e.ref}: labels must be sorted, unique, with non-empty names and values`);
      }
      prev = l.name;
      pos = putString(buf, pos, l.name);
      pos = putString(buf, pos, l.value);
    }
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, pos).slice();
}

function putString(buf: Buffer, pos: number, s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  pos = putUvarint(buf, pos, n);
  buf.write(s, pos, n, 'utf8');
  return pos + n;
}

/** Decodes a series record; throws `RecordDecodeError` for anything malformed. */
export function decodeSeries(rec: Uint8Array): SeriesEntry[] {
  if (rec.length === 0 || rec[0] !== RecordType.Series) {
    throw new RecordDecodeError(0, `not a series record (type ${rec[0] ?? 'missing'})`);
  }
  const r = new ByteReader(rec, 1);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const str = (): string => {
    const at = r.pos;
    const bytes = r.bytes(r.uvarint());
    try {
      return utf8.decode(bytes);
    } catch (cause) {
      throw new RecordDecodeError(at, 'label is not valid UTF-8', { cause });
    }
  };
  const count = r.uvarint();
  // Each entry takes at least 2 bytes: a cheap bound before trusting `count`.
  if (count > r.remaining / 2) r.fail(`series count ${count} exceeds what the record can hold`);
  const out: SeriesEntry[] = [];
  for (let i = 0; i < count; i++) {
    const ref = r.uvarint();
    const nLabels = r.uvarint();
    if (nLabels > r.remaining / 4) r.fail(`label count ${nLabels} exceeds what the record can hold`);
    const labels: Label[] = [];
    for (let j = 0; j < nLabels; j++) {
      const at = r.pos;
      const name = str();
      const value = str();
      const prev = labels[labels.length - 1];
      if (name === '' || value === '' || (prev !== undefined && !(prev.name < name))) {
        throw new RecordDecodeError(at, `series ${ref}: labels not sorted, not unique or empty`);
      }
      labels.push({ name, value });
    }
    out.push({ ref, labels });
  }
  if (r.pos !== rec.length) r.fail(`${rec.length - r.pos} trailing bytes after ${count} series`);
  return out;
}
