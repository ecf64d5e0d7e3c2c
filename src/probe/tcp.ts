import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TcpProbeConfig } from './config.js';
import type { QueryResponseStep } from './config-shared.js';
import { type Prober, type ProberContext, ProbeFailure } from './context.js';
import { tcpConnect, tlsHandshake } from './http-connect.js';
import { compileGoRegexp } from './regexp.js';
import { resolveTarget, splitHostPort } from './resolve.js';
import { HELP } from './result.js';
import { recordTLSMetrics, tlsOptions } from './tls-metrics.js';

/** Longest line the dialogue reads (Go's bufio.Scanner default limit is 64 KiB). */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Reads a socket line by line or byte by byte, with Go's bufio.ScanLines rules: a line ends at
 * `\n`, a trailing `\r` is dropped, the last unterminated line counts at end of stream.
 */
class LineReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buf = Buffer.concat([this.buf, chunk]);
    this.notify();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (err: Error): void => {
    this.error = err;
    this.notify();
  };

  constructor(
    private socket: Socket,
    private readonly ctx: ProberContext,
  ) {
    this.attach();
  }

  private attach(): void {
    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('close', this.onEnd);
    this.socket.on('error', this.onError);
  }

  /** Moves to a new (TLS) socket over the same connection; bytes already buffered are dropped, as Go's new Scanner does. */
  switchTo(socket: Socket): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.ended = false;
    this.attach();
  }

  /** Detaches from the plain socket before a TLS upgrade takes it over. */
  pause(): void {
    this.socket.off('data', this.onData);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async waitForData(): Promise<void> {
    if (this.ctx.signal.aborted) throw new ProbeFailure('aborted');
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      this.ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    if (this.ctx.signal.aborted) throw new ProbeFailure('aborted');
  }

  /** The next line, or undefined at end of stream. Throws on a read error or a line too long. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        let line = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 1);
        if (line[line.length - 1] === 13) line = line.subarray(0, -1);
        return line.toString('latin1');
      }
      if (this.buf.length > MAX_LINE_BYTES) throw new ProbeFailure(`line longer than ${MAX_LINE_BYTES} bytes`);
      if (this.error !== undefined) throw new ProbeFailure(`error reading from connection: ${this.error.message}`);
      if (this.ended) {
        if (this.buf.length === 0) return undefined;
        const rest = this.buf;
        this.buf = Buffer.alloc(0);
        return (rest[rest.length - 1] === 13 ? rest.subarray(0, -1) : rest).toString('latin1');
      }
      await this.waitForData();
    }
  }

  /** Exactly `n` bytes, or fewer at end of stream. */
  async bytes(n: number): Promise<Buffer> {
    while (this.buf.length < n && !this.ended && this.error === undefined) await this.waitForData();
    if (this.error !== undefined && this.buf.length < n) throw new ProbeFailure(`error reading from connection: ${this.error.message}`);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

/** Go's regexp.Expand template: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_all, dollar: string, braced: string | undefined, bare: string | undefined) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare ?? '';
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

function send(socket: Socket, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = typeof data === 'string' ? Buffer.concat([Buffer.from(data, 'latin1'), Buffer.from('\n')]) : Buffer.concat([data, Buffer.from('\n')]);
    socket.write(payload, (err) => (err ? reject(new ProbeFailure(`failed to send: ${err.message}`, { cause: err })) : resolve()));
  });
}

/**
 * The query/response dialogue shared by tcp (and, later, unix): each step's expect (a regexp
 * searched line by line until a line matches), expect_bytes, send (with captures expanded,
 * then `\n`), starttls. Emits probe_failed_due_to_regex / _bytes and probe_expect_info.
 */
export async function queryResponses(socket: Socket, steps: readonly QueryResponseStep[], startTLS: (plain: Socket) => Promise<TLSSocket>, ctx: ProberContext): Promise<string | undefined> {
  const m = ctx.metrics;
  const reader = new LineReader(socket, ctx);
  let conn = socket;
  for (const [i, step] of steps.entries()) {
    let data: string | Uint8Array | undefined = step.send;
    if (step.expect !== undefined && step.expect !== '') {
      const re = compileGoRegexp(step.expect);
      let match: RegExpExecArray | null = null;
      let line: string | undefined;
      while ((line = await reader.line()) !== undefined) {
        ctx.log(`Read line: ${line}`);
        match = re.exec(line);
        if (match !== null) break;
      }
      if (match === null) {
        m.set('probe_failed_due_to_regex', HELP.failedDueToRegex, 1);
        return `expected a line matching ${JSON.stringify(step.expect)} (step ${i + 1}), the connection ${line === undefined ? 'closed' : 'ended'} without one`;
      }
      m.set('probe_failed_due_to_regex', HELP.failedDueToRegex, 0);
      if (typeof data === 'string') data = expandTemplate(data, match);
      if (step.labels.length > 0) {
        const labels = Object.fromEntries(step.labels.map((l) => [l.name, expandTemplate(l.value, match)]));
        m.set('probe_expect_info', 'Explicit content matched', 1, labels);
      }
    }
    if (step.expect_bytes !== undefined && step.expect_bytes.length > 0) {
      const want = typeof step.expect_bytes === 'string' ? Buffer.from(step.expect_bytes, 'latin1') : Buffer.from(step.expect_bytes);
      const got = await reader.bytes(want.length);
      if (got.length < want.length) return `read ${got.length} bytes, expected ${want.length} (step ${i + 1})`;
      if (!got.equals(want)) {
        m.set('probe_failed_due_to_bytes', HELP.failedDueToBytes, 1);
        return `bytes ${JSON.stringify(got.toString('latin1'))} did not match the expected ${JSON.stringify(want.toString('latin1'))} (step ${i + 1})`;
      }
      m.set('probe_failed_due_to_bytes', HELP.failedDueToBytes, 0);
    }
    if (data !== undefined && data.length > 0) await send(conn, data);
    if (step.starttls) {
      reader.pause();
      conn = await startTLS(conn);
      reader.switchTo(conn);
    }
  }
  return undefined;
}

/** The tcp prober (METRICS.md §5.2): connect to host:port, TLS if asked, then the dialogue. */
export const probeTCP: Prober<TcpProbeConfig> = async (target, cfg, ctx) => {
  const m = ctx.metrics;
  m.declare('probe_failed_due_to_regex', HELP.failedDueToRegex);
  m.declare('probe_failed_due_to_bytes', HELP.failedDueToBytes);
  const { host, port } = splitHostPort(target);
  if (port === undefined) return `target ${JSON.stringify(target)} has no port (write host:port)`;
  const r = await resolveTarget(host, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, ctx);
  const serverName = cfg.tls_config.server_name ?? ctx.hostname ?? host;
  const upgrade = async (plain: Socket): Promise<TLSSocket> => {
    const tls = await tlsHandshake(plain, tlsOptions({ ...cfg.tls_config, server_name: serverName }, serverName), ctx);
    recordTLSMetrics(tls, m, { cipher: false, verified: !cfg.tls_config.insecure_skip_verify });
    return tls;
  };
  let socket: Socket = await tcpConnect(r.address, port, ctx, cfg.source_ip_address);
  try {
    if (cfg.tls) socket = await upgrade(socket);
    ctx.log('Successfully dialed');
    return await queryResponses(socket, cfg.query_response, upgrade, ctx);
  } finally {
    socket.destroy();
  }
};
