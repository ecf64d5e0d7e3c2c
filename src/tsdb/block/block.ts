import { rename, rm, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError } from '../../common/index.js';
import { chunkFromBytes, newChunkIterator, type Chunk, type ChunkIterator } from '../chunkenc/index.js';
import type { SampleIterator } from '../../storage/index.js';
import { IndexFile } from '../index/index.js';
import { ChunksReader } from './chunks-file.js';
import { ENCODING_DENSE, ENCODING_XOR } from './encodings.js';
import { CHUNKS_FILE, INDEX_FILE, readMeta, type BlockMeta } from './meta.js';
import { BlockQuerier } from './querier.js';

/**
 * A persisted, immutable block opened for reading. Readers pin it with `acquire` /
 * `release` (queriers do this); `close` and `deleteWhenUnused` wait for readers to finish.
 */
export class Block {
  private readers = 0;
  private closing: (() => void) | undefined;
  private deleteOnClose = false;

  private constructor(
    private path: string,
    readonly meta: BlockMeta,
    readonly index: IndexFile,
    private readonly chunks: ChunksReader,
    readonly sizeBytes: number,
  ) {}

  /** Opens the block in `dir`; throws CorruptionError when a file is missing or damaged. */
  static async open(dir: string): Promise<Block> {
    const meta = await readMeta(dir);
    const index = await IndexFile.open(join(dir, INDEX_FILE));
    let chunks: ChunksReader;
    try {
      chunks = new ChunksReader(join(dir, CHUNKS_FILE));
    } catch (e) {
      index.close();
      throw e;
    }
    return new Block(dir, meta, index, chunks, await dirSize(dir));
  }

  /** The block's directory (it moves when the block is retired). */
  get dir(): string {
    return this.path;
  }

  /**
   * Takes the block out of service: renames its directory to `<ulid>.deleting` at once (so
   * a restart never loads it again), then deletes it when the last reader is done.
   */
  async retire(): Promise<void> {
    const to = `${this.path}.deleting`;
    await rename(this.path, to);
    this.path = to;
    await this.close(true);
  }

  get ulid(): string {
    return this.meta.ulid;
  }

  /** Reads and decodes one chunk. Throws CorruptionError on a bad checksum or encoding. */
  chunk(ref: number, length: number): Chunk {
    const { encoding, payload } = this.chunks.read(ref, length);
    if (encoding === ENCODING_DENSE) return chunkFromBytes('dense', payload);
    if (encoding === ENCODING_XOR) return chunkFromBytes('xor', payload);
    throw new CorruptionError(this.chunks.path, ref, `unknown chunk encoding ${encoding}`);
  }

  /**
   * An iterator straight over one chunk's bytes (no Chunk object, no copy, no full decode
   * of XOR chunks); `reuse` (a spent iterator) is recycled when it has the same encoding.
   * Throws CorruptionError on a bad checksum or encoding.
   */
  chunkIterator(ref: number, length: number, reuse?: SampleIterator): ChunkIterator {
    const { encoding, payload } = this.chunks.read(ref, length);
    if (encoding === ENCODING_DENSE) return newChunkIterator('dense', payload, reuse);
    if (encoding === ENCODING_XOR) return newChunkIterator('xor', payload, reuse);
    throw new CorruptionError(this.chunks.path, ref, `unknown chunk encoding ${encoding}`);
  }

  /** A querier over [mint, maxt]; pins the block until the querier is closed. */
  querier(mint: number, maxt: number): BlockQuerier {
    this.acquire();
    return new BlockQuerier(this, mint, maxt, () => this.release());
  }

  acquire(): void {
    if (this.closing) throw new Error(`block ${this.ulid} is closed`);
    this.readers++;
  }

  release(): void {
    this.readers--;
    if (this.readers === 0 && this.closing) this.closing();
  }

  /**
   * Closes the files once no reader holds the block; with `remove`, deletes the directory
   * too. With `force` (database shutdown), readers are not waited for: a querier that was
   * never closed must not hang the shutdown; its later reads fail.
   */
  async close(remove = false, force = false): Promise<void> {
    this.deleteOnClose ||= remove;
    if (!force && (this.readers > 0 || this.closing)) {
      await new Promise<void>((resolve) => {
        const prev = this.closing;
        this.closing = () => {
          prev?.();
          resolve();
        };
      });
    } else {
      this.closing = () => {};
    }
    this.index.close();
    this.chunks.close();
    if (this.deleteOnClose) await rm(this.path, { recursive: true, force: true });
  }

  overlaps(mint: number, maxt: number): boolean {
    return this.meta.minTime <= maxt && this.meta.maxTime >= mint;
  }
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? await dirSize(p) : (await stat(p)).size;
  }
  return total;
}
