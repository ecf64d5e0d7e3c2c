import { chunkFromBytes } from '../chunkenc/index.js';
import { RecordType, type SeriesEntry, decodeChunks, decodeSamples, decodeSeries, encodeChunks, encodeSeries, recordType } from '../record/index.js';
import type { Head } from './head.js';

/** What replaying the WAL into the head found. */
export interface ReplayCounts {
  series: number;
  samples: number;
  chunks: number;
  /** Samples older than the head accepts (already in blocks) or out of order. */
  skipped: number;
  unknownRecords: number;
}

/**
 * Applies WAL and checkpoint records to a head being rebuilt at start. Samples older than
 * `head.minValidTime` were persisted in blocks already and are skipped. Series records
 * that name labels the head already has under another ref (a series removed and re-created
 * between checkpoints) are aliased to the existing series.
 */
export class WalReplayer {
  readonly counts: ReplayCounts = { series: 0, samples: 0, chunks: 0, skipped: 0, unknownRecords: 0 };
  private readonly alias = new Map<number, number>();

  constructor(private readonly head: Head) {}

  apply = (rec: Uint8Array): void => {
    const head = this.head;
    switch (recordType(rec)) {
      case RecordType.Series:
        for (const e of decodeSeries(rec)) {
          const slot = head.getOrCreate(e.labels, e.ref);
          head.series.walLogged[slot] = 1;
          const ref = head.series.ref[slot]!;
          if (ref !== e.ref) this.alias.set(e.ref, ref);
          this.counts.series++;
        }
        return;
      case RecordType.Samples:
        decodeSamples(rec, (ref, t, v) => {
          const slot = head.slotOf(this.alias.get(ref) ?? ref);
          if (slot < 0 || t < head.minValidTime || t <= head.series.maxTime[slot]! || !Number.isSafeInteger(t)) {
            this.counts.skipped++;
            return;
          }
          if (head.chunks.append(slot, t, v)) head.stats.chunksCreated++;
          head.noteTime(t);
          this.counts.samples++;
        });
        return;
      case RecordType.Chunks:
        decodeChunks(rec, (ref, mint, maxt, bytes) => {
          const slot = head.slotOf(this.alias.get(ref) ?? ref);
          if (slot < 0 || maxt < head.minValidTime || mint <= head.series.maxTime[slot]!) {
            this.counts.skipped++;
            return;
          }
          head.chunks.restore(slot, bytes, chunkFromBytes('xor', bytes).numSamples(), mint, maxt);
          head.noteTime(mint);
          head.noteTime(maxt);
          head.stats.chunksCreated++;
          this.counts.chunks++;
        });
        return;
      default:
        this.counts.unknownRecords++;
    }
  };
}

/**
 * The head's whole state as checkpoint records: every live series, then every chunk (the
 * open chunks as they are now). Taken synchronously, so it is consistent with the WAL
 * segment cut at the same moment. Records are batched to stay around 1 MiB.
 */
export function checkpointRecords(head: Head): Uint8Array[] {
  const out: Uint8Array[] = [];
  let batch: SeriesEntry[] = [];
  const S = head.series;
  const slots = head.liveSlots();
  for (const slot of slots) {
    batch.push({ ref: S.ref[slot]!, labels: S.labels.get(slot)! });
    if (batch.length >= 4096) {
      out.push(encodeSeries(batch));
      batch = [];
    }
  }
  if (batch.length > 0) out.push(encodeSeries(batch));
  let chunks: { ref: number; mint: number; maxt: number; bytes: Uint8Array }[] = [];
  let bytes = 0;
  for (const slot of slots) {
    for (const c of head.chunks.chunks(slot)) {
      if (c.count === 0) continue;
      const b = c.bytes;
      chunks.push({ ref: S.ref[slot]!, mint: c.mint, maxt: c.maxt, bytes: b });
      bytes += b.length + 24;
      if (bytes >= 1 << 20) {
        out.push(encodeChunks(chunks));
        chunks = [];
        bytes = 0;
      }
    }
  }
  if (chunks.length > 0) out.push(encodeChunks(chunks));
  return out;
}
