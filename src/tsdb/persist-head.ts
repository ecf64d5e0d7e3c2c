import { compareLabels, type Labels } from '../model/index.js';
import { ENCODING_XOR, type EncodedChunk, type SeriesChunks } from './block/index.js';
import { XorChunk, newChunkIterator } from './chunkenc/index.js';
import type { Head } from './head/index.js';

/**
 * The head's chunks within [mint, maxt] (inclusive), series in label order, as they are:
 * head chunks never cross a multiple of the block duration, so a block range aligned to it
 * takes whole XOR chunks, written without re-encoding (compaction re-encodes them densely
 * later). A chunk that does cross the bounds (not expected) is re-encoded over the range.
 * Call with the head refusing samples in the range (minValidTime > maxt).
 */
export function* headChunksInRange(head: Head, mint: number, maxt: number): Generator<SeriesChunks> {
  const S = head.series;
  const labels = S.labels as Labels[];
  const slots = head.liveSlots().filter((slot) => S.maxTime[slot]! >= mint && head.chunks.minTime(slot) <= maxt);
  slots.sort((a, b) => compareLabels(labels[a]!, labels[b]!));
  // Each series' chunks are taken when it is reached (views of closed chunks, copies of open ones).
  for (const slot of slots) {
    const chunks: EncodedChunk[] = [];
    if (labels[slot] === undefined) continue; // removed meanwhile (the generator spans awaits)
    for (const c of head.chunks.chunks(slot, mint, maxt)) {
      if (c.count === 0) continue;
      if (c.mint >= mint && c.maxt <= maxt) {
        chunks.push({ encoding: ENCODING_XOR, bytes: c.bytes, mint: c.mint, maxt: c.maxt, samples: c.count });
        continue;
      }
      const part = new XorChunk();
      const it = newChunkIterator('xor', c.bytes);
      let first = Infinity, last = -Infinity, n = 0;
      while (it.next() && n < c.count) {
        if (it.t >= mint && it.t <= maxt) {
          part.append(it.t, it.v);
          if (first === Infinity) first = it.t;
          last = it.t;
        }
        n++;
      }
      if (part.numSamples() > 0) chunks.push({ encoding: ENCODING_XOR, bytes: part.bytes(), mint: first, maxt: last, samples: part.numSamples() });
    }
    if (chunks.length > 0) yield { labels: labels[slot], chunks };
  }
}
