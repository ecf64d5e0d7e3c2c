/**
 * Chunk encoding density and speed on the benchmark fleet (bench/fleet-data.ts, the same
 * samples /work/shared/bench/fleet-write.mjs sends).
 * Usage: node dist/bench/chunk-density.js [--hosts 10] [--hours 24] [--template PATH] [--only SUBSTR]
 * Prints one row per candidate: bytes/sample, encode ns/sample, decode (full iteration) ns/sample.
 * Every candidate is verified bit-exact after timing.
 */
import { DenseEncoder, type DenseOptions, XorChunk, newChunkIterator, type ChunkIterator } from '../src/tsdb/chunkenc/index.js';
import { type FleetSeries, generateFleet } from './fleet-data.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const hosts = Number(args.get('hosts') ?? 10);
const hours = Number(args.get('hours') ?? 24);
const template = args.get('template') ?? '/work/shared/bench/node-template.prom';
const only = args.get('only');

interface Candidate {
  readonly name: string;
  readonly encoding: 'xor' | 'dense';
  /** Samples per chunk. */
  readonly size: number;
  readonly dense?: DenseOptions;
}

const candidates: Candidate[] = [
  { name: 'xor (head chunk, 120/chunk)', encoding: 'xor', size: 120 },
  { name: 'xor (one chunk per 5760)', encoding: 'xor', size: 5760 },
  { name: 'dense xor-values + brotli6, 5760', encoding: 'dense', size: 5760, dense: { valueMode: 0 } },
  { name: 'dense ord-values + brotli6, 5760', encoding: 'dense', size: 5760, dense: { valueMode: 3 } },
  { name: 'dense auto, no compressor, 5760', encoding: 'dense', size: 5760, dense: { compressor: 'none' } },
  { name: 'dense auto + deflate9, 5760', encoding: 'dense', size: 5760, dense: { compressor: 'deflate', level: 9 } },
  { name: 'dense auto + deflate9, 480', encoding: 'dense', size: 480, dense: { compressor: 'deflate', level: 9 } },
  { name: 'dense auto + brotli4, 5760', encoding: 'dense', size: 5760, dense: { level: 4 } },
  { name: 'dense auto + brotli6, 120', encoding: 'dense', size: 120, dense: { level: 6 } },
  { name: 'dense auto + brotli6, 480', encoding: 'dense', size: 480, dense: { level: 6 } },
  { name: 'dense auto + brotli6, 1440', encoding: 'dense', size: 1440, dense: { level: 6 } },
  { name: 'dense auto + brotli6, 5760', encoding: 'dense', size: 5760, dense: { level: 6 } },
  { name: 'dense auto + brotli9, 5760', encoding: 'dense', size: 5760, dense: { level: 9 } },
  { name: 'dense auto + brotli11, 5760', encoding: 'dense', size: 5760, dense: { level: 11 } },
];

function encodeAll(fleet: FleetSeries[], c: Candidate): Uint8Array[] {
  const out: Uint8Array[] = [];
  const enc = new DenseEncoder();
  for (const s of fleet) {
    const n = s.vs.length;
    for (let from = 0; from < n; from += c.size) {
      const to = Math.min(n, from + c.size);
      if (c.encoding === 'xor') {
        const ch = new XorChunk();
        for (let i = from; i < to; i++) ch.append(s.ts[i]!, s.vs[i]!);
        out.push(ch.bytes());
      } else out.push(enc.encode(s.ts.subarray(from, to), s.vs.subarray(from, to), to - from, c.dense));
    }
  }
  return out;
}

function decodeAll(chunks: Uint8Array[], enc: 'xor' | 'dense'): number {
  let it: ChunkIterator | undefined;
  let sum = 0;
  for (const b of chunks) {
    it = newChunkIterator(enc, b, it);
    while (it.next()) sum += it.t;
  }
  return sum;
}

function verify(fleet: FleetSeries[], chunks: Uint8Array[], c: Candidate): void {
  const a = new Float64Array(1), b = new Float64Array(1);
  const ua = new Uint32Array(a.buffer), ub = new Uint32Array(b.buffer);
  let k = 0;
  let it: ChunkIterator | undefined;
  for (const s of fleet) {
    let i = 0;
    const n = s.vs.length;
    for (let from = 0; from < n; from += c.size) {
      it = newChunkIterator(c.encoding, chunks[k++]!, it);
      while (it.next()) {
        a[0] = it.v;
        b[0] = s.vs[i]!;
        if (it.t !== s.ts[i] || ua[0] !== ub[0] || ua[1] !== ub[1]) throw new Error(`${c.name}: sample ${i} differs`);
        i++;
      }
      const e = it.err();
      if (e) throw e;
    }
    if (i !== n) throw new Error(`${c.name}: ${i} of ${n} samples`);
  }
}

const t0 = performance.now();
const fleet = generateFleet({ template, hosts, hours });
const samples = fleet.reduce((a, s) => a + s.vs.length, 0);
console.log(`fleet: ${fleet.length} series, ${samples} samples, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log('| candidate | bytes/sample | encode ns/sample | decode ns/sample |');
console.log('|---|---:|---:|---:|');
for (const c of candidates) {
  if (only !== undefined && !c.name.includes(only)) continue;
  encodeAll(fleet.slice(0, 50), c); // warm-up
  const e0 = performance.now();
  const chunks = encodeAll(fleet, c);
  const e1 = performance.now();
  decodeAll(chunks, c.encoding);
  const d0 = performance.now();
  decodeAll(chunks, c.encoding);
  const d1 = performance.now();
  verify(fleet, chunks, c);
  const bytes = chunks.reduce((a, b) => a + b.length, 0);
  const ns = (ms: number): string => ((ms * 1e6) / samples).toFixed(1);
  console.log(`| ${c.name} | ${(bytes / samples).toFixed(3)} | ${ns(e1 - e0)} | ${ns(d1 - d0)} |`);
}
