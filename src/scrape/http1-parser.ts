import { Http1Error } from './http1-errors.js';

/** What a scrape needs from a response head. */
export interface ParsedHead {
  readonly status: number;
  readonly reason: string;
  /** Header values as sent (undefined when absent). */
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** The Location header (UTF-8 decoded), for redirects. */
  readonly location: string | undefined;
}

/** Longest response head (status line and headers) accepted, in bytes; also bounds trailers. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Hex digits a chunk size may have (2^52 > any size we accept). */
const MAX_CHUNK_SIZE_DIGITS = 13;

const CR = 13;
const LF = 10;

// Framing of the body (`mode`).
const M_HEAD = 0;
/** Content-Length bytes. */
const M_LENGTH = 1;
const M_CHUNKED = 2;
/** Until the server closes the connection. */
const M_CLOSE = 3;
const M_DONE = 4;

// Position inside chunked framing (`chunk`).
const C_SIZE = 0;
/** After the size: extensions or blanks, up to LF. */
const C_SIZE_REST = 1;
const C_DATA = 2;
/** CRLF after the data. */
const C_DATA_END = 3;
/** Trailer lines, up to an empty one. */
const C_TRAILER = 4;

/**
 * Incremental parser of one HTTP/1.x response at a time (RFC 9112 framing: Content-Length,
 * chunked, or until close; 1xx responses skipped). The body is assembled in a buffer kept
 * across responses. Errors are Http1Error with what was wrong and where.
 */
export class ResponseParser {
  private mode: number = M_HEAD;
  private headBuf = new Uint8Array(1024);
  private headLen = 0;
  /** Start in headBuf of the line being read. */
  private lineStart = 0;
  private parsed: ParsedHead | undefined;
  private keepAlive = false;
  private reuse = true;
  private buf = new Uint8Array(0);
  private len = 0;
  private remaining = 0;
  private chunk: number = C_SIZE;
  private sizeDigits = 0;
  private trailerBytes = 0;
  private trailerLine = 0;
  private maxBody = 0;
  private received = 0;

  /** Readies the parser for the next response; bodies above `maxBody` bytes (> 0) fail. */
  reset(maxBody: number): void {
    this.mode = M_HEAD;
    this.headLen = 0;
    this.lineStart = 0;
    this.parsed = undefined;
    this.reuse = true;
    this.len = 0;
    this.maxBody = maxBody;
    this.received = 0;
  }

  done(): boolean {
    return this.mode === M_DONE;
  }

  /** True while no byte of the current response has arrived. */
  receivedNothing(): boolean {
    return this.received === 0;
  }

  /** The head of the complete response. */
  head(): ParsedHead | undefined {
    return this.parsed;
  }

  /** The body received so far (a view of the kept buffer: valid until the next reset). */
  body(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Whether the connection may carry another request after this response. */
  reusable(): boolean {
    return this.mode === M_DONE && this.keepAlive && this.reuse;
  }

  forbidReuse(): void {
    this.reuse = false;
  }

  dropBodyIfOver(bytes: number): void {
    if (this.buf.length > bytes) this.buf = new Uint8Array(0);
  }

  /** The server closed its side: ends a read-until-close body. True when the response is complete. */
  endOfStream(): boolean {
    if (this.mode === M_CLOSE) {
      this.mode = M_DONE;
      this.reuse = false;
    }
    return this.mode === M_DONE;
  }

  /** Consumes bytes [start, end) of `b`; returns where it stopped (end, or the end of the response). */
  feed(b: Uint8Array, start: number, end: number): number {
    this.received += end - start;
    let p = start;
    while (p < end) {
      switch (this.mode) {
        case M_HEAD:
          p = this.feedHead(b, p, end);
          break;
        case M_LENGTH: {
          const n = Math.min(this.remaining, end - p);
          this.append(b, p, n);
          p += n;
          this.remaining -= n;
          if (this.remaining === 0) this.mode = M_DONE;
          break;
        }
        case M_CHUNKED:
          p = this.feedChunked(b, p, end);
          break;
        case M_CLOSE:
          this.append(b, p, end - p);
          p = end;
          break;
        case M_DONE:
          return p;
      }
    }
    return p;
  }

  private feedHead(b: Uint8Array, p: number, end: number): number {
    while (p < end) {
      const c = b[p++]!;
      if (this.headLen === this.headBuf.length) {
        if (this.headLen >= MAX_HEAD_BYTES) throw new Http1Error(`response head longer than ${MAX_HEAD_BYTES} bytes`);
        const bigger = new Uint8Array(Math.min(MAX_HEAD_BYTES, this.headBuf.length * 2));
        bigger.set(this.headBuf);
        this.headBuf = bigger;
      }
      this.headBuf[this.headLen++] = c;
      if (c !== LF) continue;
      const lineEnd = this.headLen - 1 - (this.headLen >= 2 && this.headBuf[this.headLen - 2] === CR ? 1 : 0);
      const empty = lineEnd === this.lineStart;
      if (empty && this.lineStart === 0) {
        this.headLen = 0; // blank lines before the status line are ignored (RFC 9112 2.2)
        continue;
      }
      this.lineStart = this.headLen;
      if (!empty) continue;
      if (this.onHead()) return p;
      // A 1xx response: its head is dropped and the real one follows.
      this.headLen = 0;
      this.lineStart = 0;
    }
    return p;
  }

  /** Parses the complete head in headBuf; false for an interim (1xx) response. */
  private onHead(): boolean {
    const text = Buffer.from(this.headBuf.buffer, this.headBuf.byteOffset, this.headLen).toString('latin1');
    const lines = text.split('\n');
    const statusLine = stripCR(lines[0]!);
    const m = /^HTTP\/1\.([01]) ([0-9]{3})(?: (.*))?$/.exec(statusLine);
    if (m === null) throw new Http1Error(`malformed HTTP status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    const minor = Number(m[1]);
    const status = Number(m[2]);
    if (status < 100) throw new Http1Error(`invalid HTTP status ${status}`);
    const h = parseHeaders(lines);
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Http1Error('unexpected 101 Switching Protocols');
      return false;
    }
    const conn = tokens(h.get('connection'));
    this.keepAlive = minor === 1 ? !conn.includes('close') : conn.includes('keep-alive');
    const location = h.get('location');
    this.parsed = { status, reason: m[3] ?? '', contentType: h.get('content-type'), contentEncoding: h.get('content-encoding'), location: location === undefined ? undefined : Buffer.from(location, 'latin1').toString('utf8') };
    const te = h.get('transfer-encoding');
    const cl = h.get('content-length');
    if (status === 204 || status === 304) {
      this.mode = M_DONE;
    } else if (te !== undefined) {
      const codings = tokens(te);
      if (codings[codings.length - 1] === 'chunked') {
        this.mode = M_CHUNKED;
        this.chunk = C_SIZE;
        this.remaining = 0;
        this.sizeDigits = 0;
      } else {
        this.mode = M_CLOSE;
        this.reuse = false;
      }
    } else if (cl !== undefined) {
      const n = contentLength(cl);
      this.checkLimit(n);
      if (n > this.buf.length) this.buf = new Uint8Array(n);
      this.remaining = n;
      this.mode = n === 0 ? M_DONE : M_LENGTH;
    } else {
      this.mode = M_CLOSE;
      this.reuse = false;
    }
    return true;
  }

  private feedChunked(b: Uint8Array, p: number, end: number): number {
    while (p < end && this.mode === M_CHUNKED) {
      const c = b[p]!;
      switch (this.chunk) {
        case C_SIZE: {
          const d = hexValue(c);
          if (d >= 0) {
            if (++this.sizeDigits > MAX_CHUNK_SIZE_DIGITS) throw new Http1Error('chunk size too large');
            this.remaining = this.remaining * 16 + d;
            p++;
            break;
          }
          if (this.sizeDigits === 0) throw new Http1Error(`malformed chunk size: byte 0x${c.toString(16).padStart(2, '0')}`);
          this.checkLimit(this.len + this.remaining);
          this.chunk = C_SIZE_REST;
          break;
        }
        case C_SIZE_REST:
          p++;
          if (c === LF) {
            this.sizeDigits = 0;
            if (this.remaining === 0) {
              this.chunk = C_TRAILER;
              this.trailerBytes = 0;
              this.trailerLine = 0;
            } else {
              this.chunk = C_DATA;
            }
          } else if (c !== CR && c !== 0x3b && c !== 0x20 && c !== 0x09 && (c < 0x21 || c > 0x7e)) {
            throw new Http1Error('malformed chunk extension');
          } else if (++this.trailerLine > MAX_HEAD_BYTES) {
            throw new Http1Error('chunk size line too long');
          }
          break;
        case C_DATA: {
          const n = Math.min(this.remaining, end - p);
          this.append(b, p, n);
          p += n;
          this.remaining -= n;
          if (this.remaining === 0) this.chunk = C_DATA_END;
          break;
        }
        case C_DATA_END:
          p++;
          if (c === LF) {
            this.chunk = C_SIZE;
            this.trailerLine = 0;
          } else if (c !== CR) {
            throw new Http1Error('missing CRLF after chunk data');
          }
          break;
        case C_TRAILER:
          p++;
          if (++this.trailerBytes > MAX_HEAD_BYTES) throw new Http1Error(`chunked trailer longer than ${MAX_HEAD_BYTES} bytes`);
          if (c === LF) {
            if (this.trailerLine === 0) this.mode = M_DONE;
            this.trailerLine = 0;
          } else if (c !== CR) {
            this.trailerLine++;
          }
          break;
      }
    }
    return p;
  }

  private checkLimit(total: number): void {
    if (this.maxBody > 0 && total > this.maxBody) throw new Http1Error(`body size limit exceeded (${this.maxBody} bytes)`);
  }

  private append(b: Uint8Array, p: number, n: number): void {
    if (n === 0) return;
    const need = this.len + n;
    if (need > this.buf.length) {
      this.checkLimit(need);
      const bigger = new Uint8Array(Math.max(need, this.buf.length * 2, 16 * 1024));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(b.subarray(p, p + n), this.len);
    this.len = need;
  }
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Header fields by lower-case name; repeated fields joined with ", " (RFC 9110 5.3). */
function parseHeaders(lines: string[]): Map<string, string> {
  const h = new Map<string, string>();
  let last: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = stripCR(lines[i]!);
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      // Obsolete line folding: the value continues (RFC 9112 5.2 lets a client replace it by a space).
      if (last === undefined) throw new Http1Error('malformed HTTP header: continuation line before any header');
      h.set(last, `${h.get(last)!} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(line.slice(0, colon))) {
      throw new Http1Error(`malformed HTTP header line ${JSON.stringify(line.slice(0, 80))}`);
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = h.get(name);
    h.set(name, prev === undefined ? value : `${prev}, ${value}`);
    last = name;
  }
  return h;
}

/** Comma-separated tokens, trimmed and lower-cased. */
function tokens(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
}

/** A Content-Length value; a list of equal values counts as one (RFC 9110 8.6). */
function contentLength(v: string): number {
  const parts = v.split(',').map((s) => s.trim());
  const first = parts[0]!;
  if (!/^[0-9]{1,15}$/.test(first) || parts.some((x) => x !== first)) throw new Http1Error(`invalid Content-Length ${JSON.stringify(v.slice(0, 40))}`);
  return Number(first);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}
