import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError } from '../../common/index.js';

/** Contents of a block's meta.json. Times are integer ms, both bounds inclusive. */
export interface BlockMeta {
  readonly ulid: string;
  readonly minTime: number;
  readonly maxTime: number;
  readonly stats: { readonly numSamples: number; readonly numSeries: number; readonly numChunks: number };
  readonly compaction: { readonly level: number; readonly sources: readonly string[] };
  readonly version: 1;
}

export const META_FILE = 'meta.json';
export const INDEX_FILE = 'index';
export const CHUNKS_FILE = 'chunks';

export async function readMeta(dir: string): Promise<BlockMeta> {
  const path = join(dir, META_FILE);
  const text = await readFile(path, 'utf8');
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (cause) {
    throw new CorruptionError(path, 0, 'meta.json is not valid JSON', { cause });
  }
  if (!isMeta(m)) throw new CorruptionError(path, 0, 'meta.json lacks ulid, minTime, maxTime, stats, compaction or version 1');
  return m;
}

function isMeta(m: unknown): m is BlockMeta {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as Record<string, unknown>;
  const stats = o['stats'] as Record<string, unknown> | undefined;
  const comp = o['compaction'] as Record<string, unknown> | undefined;
  return (
    typeof o['ulid'] === 'string' &&
    typeof o['minTime'] === 'number' &&
    typeof o['maxTime'] === 'number' &&
    o['version'] === 1 &&
    typeof stats === 'object' &&
    typeof stats['numSamples'] === 'number' &&
    typeof stats['numSeries'] === 'number' &&
    typeof comp === 'object' &&
    typeof comp['level'] === 'number' &&
    Array.isArray(comp['sources'])
  );
}
