import type { Labels } from '../model/index.js';
import { ProtoWriter } from './protobuf.js';

/** One sample to send: the series' labels, a timestamp in ms and a value. */
export interface RemoteSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** The protobuf encoding of a label set as a TimeSeries' repeated `labels` fields. */
export function encodeLabels(labels: Labels): Uint8Array {
  const w = new ProtoWriter(256);
  const te = new TextEncoder();
  for (const l of labels) {
    const s = w.beginLen(0x0a);
    const n = te.encode(l.name);
    const v = te.encode(l.value);
    w.byte(0x0a);
    w.varint(n.length);
    w.bytes(n);
    w.byte(0x12);
    w.varint(v.length);
    w.bytes(v);
    w.endLen(s);
  }
  return w.result().slice();
}

/**
 * Builds a `prometheus.WriteRequest` one series at a time: `series(encodedLabels)` then
 * `sample(t, v)` as many times as needed. Consecutive samples of one series share a
 * TimeSeries message. `finish()` returns the uncompressed bytes (a view, valid until reset).
 */
export class WriteRequestEncoder {
  private readonly w = new ProtoWriter(1 << 16);
  private open = -1;
  private current: Uint8Array | undefined;
  samples = 0;
  maxT = -Infinity;

  series(encodedLabels: Uint8Array): void {
    if (this.current === encodedLabels && this.open >= 0) return;
    this.close();
    this.open = this.w.beginLen(0x0a);
    this.w.bytes(encodedLabels);
    this.current = encodedLabels;
  }

  sample(t: number, v: number): void {
    const w = this.w;
    w.ensure(24);
    w.buf[w.pos++] = 0x12;
    const lenAt = w.pos++;
    w.buf[w.pos++] = 0x09;
    w.view.setFloat64(w.pos, v, true);
    w.pos += 8;
    w.buf[w.pos++] = 0x10;
    w.varint(t);
    w.buf[lenAt] = w.pos - lenAt - 1;
    this.samples++;
    if (t > this.maxT) this.maxT = t;
  }

  private close(): void {
    if (this.open >= 0) this.w.endLen(this.open);
    this.open = -1;
    this.current = undefined;
  }

  finish(): Uint8Array {
    this.close();
    return this.w.result();
  }

  reset(): void {
    this.close();
    this.w.reset();
    this.samples = 0;
    this.maxT = -Infinity;
  }
}
