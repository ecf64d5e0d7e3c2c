import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord, staleNaN } from '../../model/index.js';
import { CorruptionError } from '../../common/index.js';
import {
  RecordDecodeError,
  RecordEncodeError,
  RecordType,
  SamplesEncoder,
  countSamples,
  decodeChunks,
  decodeSamples,
  decodeSeries,
  encodeChunks,
  encodeSamples,
  encodeSeries,
  recordType,
} from './index.js';

const bits = (v: number): bigint => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
};
const fromBits = (b: bigint): number => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, b);
  return dv.getFloat64(0);
};

function decodeAll(rec: Uint8Array): Array<[number, number, bigint]> {
  const out: Array<[number, number, bigint]> = [];
  decodeSamples(rec, (ref, t, v) => out.push([ref, t, bits(v)]));
  return out;
}

test('samples round trip bit-exact: NaN payloads, -0, ±Inf, negative and huge timestamps', () => {
  const M = Number.MAX_SAFE_INTEGER;
  // A Float64Array, not a plain array: V8 quiets signalling NaNs (sets bit 51) when it
  // stores them in a packed-double JS array, which would corrupt the staleness marker
  // before it ever reaches the encoder.
  const values = Float64Array.of(1.5, -0, 0, Infinity, -Infinity, staleNaN(), NaN, fromBits(0xfff8000000000001n), fromBits(0x7ff0000000000002n), 5e-324, Number.MAX_VALUE);
  const times = [1_700_000_000_000, -1, M, -M, 0, 2 ** 52 + 1, -(2 ** 40), 1_700_000_000_000, M - 1, -M + 1, 123];
  const refs = [0, 1, 2 ** 32, 2 ** 32 - 1, M, 5, 4_000_000_000, 7, 0, M, 1];
  const rec = encodeSamples(refs, times, values);
  assert.equal(recordType(rec), RecordType.Samples);
  const got = decodeAll(rec);
  assert.deepEqual(
    got,
    refs.map((r, i) => [r, times[i]!, bits(values[i]!)]),
  );
  // Warm the encoder and decoder up so the optimising compiler's code is checked too.
  const enc = new SamplesEncoder();
  const stale = staleNaN();
  let seen = 0;
  for (let round = 0; round < 2000; round++) {
    enc.reset();
    for (let i = 0; i < 50; i++) enc.add(i, round, i % 2 === 0 ? stale : -0);
    decodeSamples(enc.finish(), (_ref, _t, v) => {
      assert.equal(bits(v), _ref % 2 === 0 ? 0x7ff0000000000002n : 0x8000000000000000n);
      seen++;
    });
  }
  assert.equal(seen, 100000);
  assert.equal(countSamples(rec), refs.length);
  // The staleness marker keeps its exact payload.
  assert.equal(got[5]![2], 0x7ff0000000000002n);
  assert.ok(Object.is(decodeValues(rec)[1], -0));
});

function decodeValues(rec: Uint8Array): number[] {
  const out: number[] = [];
  decodeSamples(rec, (_r, _t, v) => out.push(v));
  return out;
}

test('empty samples batch is the type byte alone', () => {
  const enc = new SamplesEncoder();
  const rec = enc.finish();
  assert.deepEqual([...rec], [RecordType.Samples]);
  assert.equal(decodeSamples(rec, () => assert.fail('no samples expected')), 0);
});

test('encoder is reusable, grows, and a typical scrape batch is compact', () => {
  const enc = new SamplesEncoder(64);
  for (let round = 0; round < 3; round++) {
    enc.reset();
    for (let i = 0; i < 5000; i++) enc.add(1000 + i, 1_700_000_000_000 + round, i * 0.5);
    const rec = enc.finish();
    assert.equal(enc.count, 5000);
    assert.ok(rec.length < 5000 * 12, `record is ${rec.length} bytes`);
    let i = 0;
    decodeSamples(rec, (ref, t, v) => {
      assert.equal(ref, 1000 + i);
      assert.equal(t, 1_700_000_000_000 + round);
      assert.equal(v, i * 0.5);
      i++;
    });
    assert.equal(i, 5000);
  }
});

test('encoder rejects refs and timestamps that are not safe integers', () => {
  const enc = new SamplesEncoder();
  assert.throws(() => enc.add(-1, 0, 0), RecordEncodeError);
  assert.throws(() => enc.add(1, 1.5, 0), RecordEncodeError);
  assert.throws(() => enc.add(1, 2 ** 53, 0), RecordEncodeError);
  assert.equal(enc.count, 0);
});

test('series round trip with unicode labels', () => {
  const entries = [
    { ref: 1, labels: labelsFromRecord({ __name__: 'up', job: 'node', instance: 'hôte-µ:9100' }) },
    { ref: 2 ** 40, labels: labelsFromRecord({ __name__: 'temp_℃', emoji: '🦊🔥', 'zh': '温度' }) },
    { ref: 0, labels: [] },
  ];
  const rec = encodeSeries(entries);
  assert.equal(recordType(rec), RecordType.Series);
  assert.deepEqual(decodeSeries(rec), entries);
  assert.deepEqual(decodeSeries(encodeSeries([])), []);
});

test('series encoder refuses labels that break the Labels contract', () => {
  assert.throws(() => encodeSeries([{ ref: 1, labels: [{ name: 'b', value: '1' }, { name: 'a', value: '2' }] }]), RecordEncodeError);
  assert.throws(() => encodeSeries([{ ref: -1, labels: [] }]), RecordEncodeError);
});

test('decoders reject wrong types and truncated records with RecordDecodeError', () => {
  const samples = encodeSamples([1, 2], [10, 20], [1, 2]);
  const series = encodeSeries([{ ref: 3, labels: labelsFromRecord({ a: 'b' }) }]);
  assert.throws(() => decodeSeries(samples), RecordDecodeError);
  assert.throws(() => decodeSamples(series, () => {}), RecordDecodeError);
  assert.throws(() => decodeSamples(new Uint8Array(0), () => {}), RecordDecodeError);
  let threw = 0;
  for (let n = 2; n < samples.length; n++) {
    try {
      // A cut on an entry boundary is a valid shorter record; anywhere else must throw.
      assert.ok(countSamples(samples.subarray(0, n)) < 2, `cut at ${n}`);
    } catch (err) {
      assert.ok(err instanceof CorruptionError, `cut at ${n}: ${String(err)}`);
      threw++;
    }
  }
  assert.ok(threw >= samples.length - 4);
  for (let n = 0; n < series.length; n++) assert.throws(() => decodeSeries(series.subarray(0, n)), CorruptionError, `cut at ${n}`);
  // Invalid UTF-8 in a label.
  const bad = Uint8Array.from(series);
  bad[bad.length - 1] = 0xff;
  assert.throws(() => decodeSeries(bad), /not valid UTF-8/);
});

test('hostile bytes: decoders only ever throw RecordDecodeError and always end', () => {
  let seed = 12345;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 20000; i++) {
    const len = Math.floor(rnd() * 64);
    const rec = new Uint8Array(len);
    for (let j = 0; j < len; j++) rec[j] = rnd() < 0.3 ? 0xff : Math.floor(rnd() * 256);
    if (len > 0) rec[0] = 1 + Math.floor(rnd() * 3);
    for (const decode of [(r: Uint8Array) => decodeSeries(r), (r: Uint8Array) => decodeSamples(r, () => {}), (r: Uint8Array) => decodeChunks(r, () => {})]) {
      try {
        decode(rec);
      } catch (err) {
        assert.ok(err instanceof RecordDecodeError, `unexpected ${String(err)}`);
      }
    }
  }
});

test('chunks round trip; decoded bytes are copies', () => {
  const M = Number.MAX_SAFE_INTEGER;
  const entries = [
    { ref: 7, mint: 1_700_000_000_000, maxt: 1_700_000_120_000, bytes: Uint8Array.of(1, 2, 3) },
    { ref: 2 ** 33, mint: -M, maxt: M, bytes: new Uint8Array(0) },
  ];
  const rec = encodeChunks(entries);
  assert.equal(recordType(rec), RecordType.Chunks);
  const got: Array<{ ref: number; mint: number; maxt: number; bytes: Uint8Array }> = [];
  assert.equal(decodeChunks(rec, (ref, mint, maxt, bytes) => got.push({ ref, mint, maxt, bytes })), 2);
  assert.deepEqual(got, entries);
  rec.fill(0, 1);
  assert.deepEqual([...got[0]!.bytes], [1, 2, 3]);
  assert.throws(() => encodeChunks([{ ref: 1, mint: 5, maxt: 4, bytes: new Uint8Array(0) }]), RecordEncodeError);
  assert.throws(() => decodeChunks(Uint8Array.of(RecordType.Chunks, 1, 2), () => {}), RecordDecodeError);
});
