import type { Labels } from '../model/index.js';
import { ProtoWriter, readVarint, skipField } from './protobuf.js';

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

/** What `dropOldSamples` left. */
export interface AgeFiltered {
  /** The request without the old samples (the input itself when none was old). */
  readonly req: Uint8Array;
  readonly dropped: number;
  /** Oldest timestamp kept; Infinity when no sample is left. */
  readonly lowest: number;
}

/**
 * Removes the samples older than `minT` (ms) from an encoded `prometheus.WriteRequest`, as
 * Prometheus' sample_age_limit filter does; a series left without samples goes too. Other
 * fields are copied as they are. Throws ProtobufError on a malformed request.
 */
export function dropOldSamples(req: Uint8Array, minT: number): AgeFiltered {
  const cur = { pos: 0 };
  const w = new ProtoWriter(req.length + 16);
  const end = req.length;
  let dropped = 0;
  let lowest = Infinity;
  let p = 0;
  while (p < end) {
    const fieldStart = p;
    const tag = readVarint(req, p, end, cur);
    const next = skipField(req, tag, cur.pos, end, cur);
    if (tag !== 0x0a) {
      w.bytes(req.subarray(fieldStart, next));
      p = next;
      continue;
    }
    // A TimeSeries: `labels` (1) and `samples` (2, each {double value = 1; int64 timestamp = 2}).
    const tsEnd = next;
    let q = bodyStart(req, fieldStart, end, cur);
    const body = w.beginLen(0x0a);
    let samples = 0;
    let kept = 0;
    while (q < tsEnd) {
      const f = q;
      const ft = readVarint(req, q, tsEnd, cur);
      const fe = skipField(req, ft, cur.pos, tsEnd, cur);
      if (ft === 0x12) {
        samples++;
        const t = sampleTimestamp(req, f, fe, cur);
        if (t < minT) {
          dropped++;
          q = fe;
          continue;
        }
        kept++;
        if (t < lowest) lowest = t;
      }
      w.bytes(req.subarray(f, fe));
      q = fe;
    }
    if (samples > 0 && kept === 0) w.pos = body - 6; // beginLen wrote the tag and 5 reserved bytes
    else w.endLen(body);
    p = next;
  }
  return dropped === 0 ? { req, dropped, lowest } : { req: w.result(), dropped, lowest };
}

/** Start of the body of the length-delimited field whose tag starts at `fieldStart`. */
function bodyStart(buf: Uint8Array, fieldStart: number, end: number, cur: { pos: number }): number {
  readVarint(buf, fieldStart, end, cur); // the tag
  readVarint(buf, cur.pos, end, cur); // the length
  return cur.pos;
}

/** The timestamp of the Sample field starting at `f` (tag) and ending at `fe`; 0 when absent. */
function sampleTimestamp(buf: Uint8Array, f: number, fe: number, cur: { pos: number }): number {
  let p = bodyStart(buf, f, fe, cur);
  let t = 0;
  while (p < fe) {
    const tag = readVarint(buf, p, fe, cur);
    if (tag === 0x10) {
      t = readVarint(buf, cur.pos, fe, cur);
      p = cur.pos;
    } else {
      p = skipField(buf, tag, cur.pos, fe, cur);
    }
  }
  return t;
}
