import { spawn } from 'node:child_process';
import type { IcmpProbeConfig } from './config.js';
import { type Prober, ProbeFailure } from './context.js';
import { resolveTarget } from './resolve.js';

const H = {
  duration: 'Duration of icmp request by phase',
  hopLimit: 'Replied packet hop limit (TTL for ipv4)',
} as const;

/** Most bytes of ping's output kept (one echo prints a few hundred). */
const MAX_OUTPUT = 64 * 1024;

/** The system ping (iputils) used for ICMP; its path is fixed so PATH cannot swap it. */
export const PING_BINARY = '/usr/bin/ping';

export interface PingReply {
  /** Round-trip time in seconds, as ping measured it. */
  readonly rttSeconds: number;
  /** TTL (IPv4) or hop limit (IPv6) of the reply, when printed. */
  readonly hopLimit?: number | undefined;
}

/** Reads iputils' reply line (`64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms`); undefined without one. */
export function parsePingReply(output: string): PingReply | undefined {
  for (const line of output.split('\n')) {
    if (!/ bytes from /.test(line)) continue;
    const time = /\btime[=<]([\d.]+) ?(ms|s|us|µs)?/.exec(line);
    if (time === null) continue;
    const perSecond = time[2] === 's' ? 1 : time[2] === 'us' || time[2] === 'µs' ? 1e6 : 1e3;
    const ttl = /\b(?:ttl|hlim)=(\d+)/.exec(line);
    return { rttSeconds: Number(time[1]) / perSecond, hopLimit: ttl ? Number(ttl[1]) : undefined };
  }
  return undefined;
}

/** The ping arguments for one echo to `address` (already resolved) within `timeoutSeconds`. */
export function pingArgs(address: string, family: 4 | 6, cfg: IcmpProbeConfig, timeoutSeconds: number): string[] {
  const args = ['-n', '-c', '1', '-W', String(Math.max(1, Math.ceil(timeoutSeconds))), family === 4 ? '-4' : '-6', '-t', String(cfg.ttl)];
  if (cfg.payload_size > 0) args.push('-s', String(cfg.payload_size));
  if (cfg.dont_fragment) args.push('-M', 'do');
  if (cfg.source_ip_address !== undefined && cfg.source_ip_address !== '') args.push('-I', cfg.source_ip_address);
  args.push(address);
  return args;
}

/**
 * The icmp prober (METRICS.md §5.4): one echo request through the system's `ping` (Node has
 * no raw sockets), killed when the probe is aborted or times out. `setup` is the time to start
 * ping, `rtt` the round-trip time ping measured.
 */
export const probeICMP: Prober<IcmpProbeConfig> = async (target, cfg, ctx) => {
  const m = ctx.metrics;
  for (const phase of ['resolve', 'setup', 'rtt']) m.declare('probe_icmp_duration_seconds', H.duration, { phase });
  const r = await resolveTarget(target, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, ctx);
  m.add('probe_icmp_duration_seconds', H.duration, r.lookupSeconds, { phase: 'resolve' });
  const args = pingArgs(r.address, r.family, cfg, ctx.timeoutMs / 1000);
  ctx.log(`Running ${PING_BINARY} ${args.join(' ')}`);
  const setupStart = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(PING_BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } });
    let output = '';
    const keep = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8');
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.once('spawn', () => m.set('probe_icmp_duration_seconds', H.duration, (performance.now() - setupStart) / 1000, { phase: 'setup' }));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (err) => {
      ctx.signal.removeEventListener('abort', onAbort);
      reject(new ProbeFailure(`cannot run ${PING_BINARY}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve({ code, output });
    });
  });
  const reply = parsePingReply(output);
  if (reply === undefined) {
    if (ctx.signal.aborted) throw new ProbeFailure('aborted');
    const problem = output
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('ping:'));
    if (problem !== undefined) return `${problem.replace(/^ping: /, 'ping failed: ')}`;
    return code === 1 ? `no echo reply from ${r.address}` : `ping exited with status ${code ?? 'killed'} without a reply`;
  }
  m.set('probe_icmp_duration_seconds', H.duration, reply.rttSeconds, { phase: 'rtt' });
  if (reply.hopLimit !== undefined) m.set('probe_icmp_reply_hop_limit', H.hopLimit, reply.hopLimit);
  return undefined;
};
