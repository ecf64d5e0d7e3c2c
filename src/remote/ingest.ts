import { isUtf8 } from 'node:buffer';
import { formatLabels, type Label, type Labels } from '../model/index.js';
import { SampleRejectedError, type Appender, type RejectReason } from '../storage/index.js';
import { ProtobufError, readVarint, skipField } from './protobuf.js';
import { SeriesCache, type SeriesEntry } from './series-cache.js';

/** What one WriteRequest did. Counts are of samples unless named otherwise. */
export interface IngestResult {
  /** TimeSeries messages in the request. */
  series: number;
  /** Float samples in the request. */
  samples: number;
  /** Samples the appender accepted (exact duplicates of stored samples included). */
  appended: number;
  /** Samples the appender refused, by reason. */
  rejected: Record<RejectReason, number>;
  /** The first refusal's message, for the response. */
  firstRejection: string | undefined;
  /** Series refused for their labels, and their samples (not appended). */
  invalidSeries: number;
  invalidSamples: number;
  /** Up to 5 messages naming refused series. */
  invalidMessages: string[];
  /** Native histogram samples, exemplars and metadata entries: not stored. */
  histograms: number;
  exemplars: number;
  metadata: number;
}

function emptyResult(): IngestResult {
  return {
    series: 0, samples: 0, appended: 0,
    rejected: { out_of_order: 0, duplicate: 0, too_old: 0, invalid: 0 },
    firstRejection: undefined,
    invalidSeries: 0, invalidSamples: 0, invalidMessages: [],
    histograms: 0, exemplars: 0, metadata: 0,
  };
}

const MAX_MESSAGES = 5;

/**
 * Decodes a Prometheus remote-write 1.0 `WriteRequest` (uncompressed protobuf) straight
 * into an Appender: no object per sample, and label decoding only the first time an
 * encoded label set is seen (see `SeriesCache`). Unknown fields are skipped. Malformed
 * protobuf throws `ProtobufError` (the caller rolls the appender back); refused series and
 * samples are counted in the result and the rest is appended. The caller commits.
 * Synchronous: `buf` may be reused as soon as `ingest` returns.
 */
export class WriteRequestIngester {
  private readonly cur = { pos: 0 };

  constructor(readonly cache: SeriesCache = new SeriesCache()) {}

  ingest(buf: Buffer, len: number, app: Appender): IngestResult {
    const r = emptyResult();
    const view = new DataView(buf.buffer, buf.byteOffset, len);
    const cur = this.cur;
    let p = 0;
    while (p < len) {
      let tag = buf[p]!;
      if (tag < 0x80) p++;
      else {
        tag = readVarint(buf, p, len, cur);
        p = cur.pos;
      }
      if (tag === 0x0a || tag === 0x1a) {
        const l = readVarint(buf, p, len, cur);
        const end = cur.pos + l;
        if (end > len) throw new ProtobufError(p, `${tag === 0x0a ? 'timeseries' : 'metadata'} of ${l} bytes runs past the end of the request (${len} bytes)`);
        if (tag === 0x0a) this.series(buf, view, cur.pos, end, app, r);
        else r.metadata++;
        p = end;
      } else p = skipField(buf, tag, p, len, cur);
    }
    return r;
  }

  /** One TimeSeries body [p, end). */
  private series(buf: Buffer, view: DataView, p: number, end: number, app: Appender, r: IngestResult): void {
    const cur = this.cur;
    r.series++;
    // Pass 1: find the label fields, count samples, check every field's bounds.
    let ls = -1;
    let le = -1;
    let contiguous = true;
    let samples = 0;
    let q = p;
    while (q < end) {
      const at = q;
      let tag = buf[q]!;
      if (tag < 0x80) q++;
      else {
        tag = readVarint(buf, q, end, cur);
        q = cur.pos;
      }
      if (tag === 0x0a) {
        q = skipField(buf, tag, q, end, cur);
        if (ls < 0) ls = at;
        else if (le !== at) contiguous = false;
        le = q;
      } else if (tag === 0x12 && buf[q]! < 0x80) {
        // A sample (short: the usual case); bounds are checked here.
        samples++;
        q += 1 + buf[q]!;
        if (q > end) throw new ProtobufError(at, 'sample runs past the end of its timeseries');
      } else {
        if (tag === 0x12) samples++;
        else if (tag === 0x1a) r.exemplars++;
        else if (tag === 0x22) r.histograms++;
        q = skipField(buf, tag, q, end, cur);
      }
    }
    r.samples += samples;
    const key = ls < 0 ? '' : contiguous ? buf.toString('latin1', ls, le) : this.scatteredKey(buf, p, end);
    const cache = this.cache;
    let e = key.length <= cache.maxKeyBytes ? cache.get(key) : undefined;
    if (e === undefined) {
      e = decodeLabels(buf, p, end, cur, r.series);
      if (key.length <= cache.maxKeyBytes) cache.set(key, e);
    }
    const labels = e.labels;
    if (labels === undefined) {
      r.invalidSeries++;
      r.invalidSamples += samples;
      if (r.invalidMessages.length < MAX_MESSAGES) r.invalidMessages.push(e.error ?? 'invalid series');
      return;
    }
    if (samples === 0) return;
    // Pass 2: the samples. Bounds were checked by pass 1.
    let ref = e.ref;
    q = p;
    while (q < end) {
      let tag = buf[q]!;
      if (tag < 0x80) q++;
      else {
        tag = readVarint(buf, q, end, cur);
        q = cur.pos;
      }
      if (tag !== 0x12) {
        q = skipField(buf, tag, q, end, cur);
        continue;
      }
      let sl = buf[q]!;
      if (sl < 0x80) q++;
      else {
        sl = readVarint(buf, q, end, cur);
        q = cur.pos;
      }
      const se = q + sl;
      let v: number;
      let t: number;
      if (sl >= 11 && sl <= 17 && buf[q] === 0x09 && buf[q + 9] === 0x10 && buf[se - 1]! < 0x80) {
        // The usual layout: value then a positive timestamp of at most 7 varint bytes (< 2^49 ms) ending the message.
        v = view.getFloat64(q + 1, true);
        let i = q + 10;
        let b = buf[i++]!;
        t = b & 0x7f;
        let mul = 128;
        while (b >= 0x80 && i < se) {
          b = buf[i++]!;
          t += (b & 0x7f) * mul;
          mul *= 128;
        }
        if (i !== se || b >= 0x80) ({ v, t } = this.sample(buf, view, q, se, 0, 0));
      } else ({ v, t } = this.sample(buf, view, q, se, 0, 0));
      q = se;
      try {
        ref = app.append(ref, labels, t, v);
        r.appended++;
      } catch (err) {
        if (!(err instanceof SampleRejectedError)) throw err;
        r.rejected[err.reason]++;
        r.firstRejection ??= `${err.message} for series ${formatLabels(labels)}`;
      }
    }
    e.ref = ref;
  }

  /** General Sample decoding: fields in any order, repeated or unknown (last one wins). */
  private sample(buf: Buffer, view: DataView, p: number, end: number, v: number, t: number): { v: number; t: number } {
    const cur = this.cur;
    while (p < end) {
      const at = p;
      const tag = readVarint(buf, p, end, cur);
      p = cur.pos;
      if (tag === 0x09) {
        if (p + 8 > end) throw new ProtobufError(at, 'truncated sample value');
        v = view.getFloat64(p, true);
        p += 8;
      } else if (tag === 0x10) {
        t = readVarint(buf, p, end, cur);
        p = cur.pos;
      } else p = skipField(buf, tag, p, end, cur);
    }
    return { v, t };
  }

  /** Cache key when label fields are interleaved with other fields (never seen from real senders). */
  private scatteredKey(buf: Buffer, p: number, end: number): string {
    const cur = this.cur;
    let key = '\u0000';
    while (p < end) {
      const at = p;
      const tag = readVarint(buf, p, end, cur);
      const q = skipField(buf, tag, cur.pos, end, cur);
      if (tag === 0x0a) key += buf.toString('latin1', at, q);
      p = q;
    }
    return key;
  }
}

/** Decodes and validates the labels of the TimeSeries body [p, end) (bounds already checked). */
function decodeLabels(buf: Buffer, p: number, end: number, cur: { pos: number }, index: number): SeriesEntry {
  const out: Label[] = [];
  let sorted = true;
  let bad: string | undefined;
  while (p < end) {
    const tag = readVarint(buf, p, end, cur);
    const q = skipField(buf, tag, cur.pos, end, cur);
    if (tag === 0x0a) {
      // Label { string name = 1; string value = 2; }
      const le = q;
      let name = '';
      let value = '';
      let x = startOfBody(buf, p, end, cur);
      while (x < le) {
        const ft = readVarint(buf, x, le, cur);
        const fe = skipField(buf, ft, cur.pos, le, cur);
        if (ft === 0x0a || ft === 0x12) {
          const str = utf8(buf, startOfBody(buf, x, le, cur), fe);
          if (str === undefined) bad ??= `label ${ft === 0x0a ? 'name' : `value of ${JSON.stringify(name)}`} is not valid UTF-8`;
          else if (ft === 0x0a) name = str;
          else value = str;
        }
        x = fe;
      }
      if (name === '') bad ??= 'empty label name';
      if (value !== '') {
        if (out.length > 0 && out[out.length - 1]!.name >= name) sorted = false;
        out.push({ name, value });
      }
    }
    p = q;
  }
  if (!sorted) out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < out.length && bad === undefined; i++) if (out[i]!.name === out[i - 1]!.name) bad = `duplicate label name ${JSON.stringify(out[i]!.name)}`;
  if (bad === undefined && out.length === 0) bad = 'no labels';
  if (bad !== undefined) return { labels: undefined, error: `timeseries #${index} ${out.length > 0 ? formatLabels(dedupe(out)) : ''}: ${bad}`.replace('  ', ' '), ref: 0 };
  return { labels: out, error: undefined, ref: 0 };
}

/** Start of a length-delimited field's body whose tag starts at `p`. */
function startOfBody(buf: Buffer, p: number, end: number, cur: { pos: number }): number {
  readVarint(buf, p, end, cur); // tag
  readVarint(buf, cur.pos, end, cur); // length
  return cur.pos;
}

function utf8(buf: Buffer, s: number, e: number): string | undefined {
  if (e - s === 0) return '';
  if (!isUtf8(buf.subarray(s, e))) return undefined;
  return buf.toString('utf8', s, e);
}

/** For messages only: a label list with repeated names kept once so formatting stays readable. */
function dedupe(l: Label[]): Labels {
  return l.filter((x, i) => i === 0 || l[i - 1]!.name !== x.name);
}
