import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type ProberContext, ProbeFailure, describeNetError, raceAbort } from './context.js';
import { HELP } from './result.js';

/** An address chosen for the target. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** 32-bit FNV-1a of the address bytes (4 for IPv4, 16 for IPv6), as blackbox's probe_ip_addr_hash. */
export function ipAddrHash(address: string): number {
  let h = 0x811c9dc5;
  for (const b of ipBytes(address)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The bytes of an IPv4 (4) or IPv6 (16) address; an IPv4-mapped IPv6 address gives its 4 IPv4 bytes. */
export function ipBytes(address: string): number[] {
  if (isIP(address) === 4) return address.split('.').map(Number);
  let text = address.replace(/%.*$/, '');
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (v4tail) {
    const [a, b, c, d] = v4tail[1]!.split('.').map(Number) as [number, number, number, number];
    tail = [a, b, c, d];
    text = text.slice(0, -v4tail[1]!.length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const hs = head === '' ? [] : head.split(':');
  const rs = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - rs.length).fill('0'), ...rs];
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  // Go hashes an IPv4-mapped address (::ffff:a.b.c.d) as its 4 IPv4 bytes.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12);
  return bytes;
}

/**
 * Resolves `host` as blackbox_exporter's chooseProtocol does: the preferred family, else (with
 * fallback) the other one. Emits probe_dns_lookup_time_seconds, probe_ip_protocol (0 until a
 * family is chosen) and probe_ip_addr_hash. Returns the lookup time in seconds with the address.
 * Throws ProbeFailure when nothing usable resolves.
 */
export async function resolveTarget(
  host: string,
  preferred: 'ip4' | 'ip6',
  fallback: boolean,
  ctx: ProberContext,
): Promise<ResolvedAddress & { lookupSeconds: number }> {
  const m = ctx.metrics;
  m.declare('probe_ip_protocol', HELP.ipProtocol);
  m.declare('probe_dns_lookup_time_seconds', HELP.dnsLookup);
  m.declare('probe_ip_addr_hash', HELP.ipAddrHash);
  const start = performance.now();
  const done = (): number => {
    const s = (performance.now() - start) / 1000;
    m.add('probe_dns_lookup_time_seconds', HELP.dnsLookup, s);
    return s;
  };
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '') {
    done();
    throw new ProbeFailure('empty host name');
  }
  const want = preferred === 'ip4' ? 4 : 6;
  let addrs: { address: string; family: number }[];
  try {
    if (isIP(bare) !== 0) addrs = [{ address: bare, family: isIP(bare) }];
    else addrs = await raceAbort(lookup(bare, fallback ? { all: true } : { all: true, family: want }), ctx.signal, ctx.timeoutMs);
  } catch (err) {
    const seconds = done();
    void seconds;
    if (err instanceof ProbeFailure) throw err;
    throw new ProbeFailure(`cannot resolve ${JSON.stringify(bare)}: ${describeNetError(err)}`, { cause: err });
  }
  const chosen = addrs.find((a) => a.family === want) ?? (fallback ? addrs[0] : undefined);
  const lookupSeconds = done();
  if (chosen === undefined) {
    throw new ProbeFailure(`${JSON.stringify(bare)} has no IPv${want} address${fallback ? '' : ' (ip_protocol_fallback is off)'}`);
  }
  const family = chosen.family === 4 ? 4 : 6;
  m.set('probe_ip_protocol', HELP.ipProtocol, family);
  m.set('probe_ip_addr_hash', HELP.ipAddrHash, ipAddrHash(chosen.address));
  ctx.log(`Resolved target address ${bare} to ${chosen.address}`);
  return { address: chosen.address, family, lookupSeconds };
}

/** Splits `host:port` / `[v6]:port` / `host`; port undefined when absent. Throws ProbeFailure on nonsense. */
export function splitHostPort(target: string): { host: string; port: number | undefined } {
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(target);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const i = target.lastIndexOf(':');
    if (i >= 0 && target.indexOf(':') === i) {
      host = target.slice(0, i);
      portText = target.slice(i + 1);
    } else if (i >= 0) {
      throw new ProbeFailure(`target ${JSON.stringify(target)}: an IPv6 address must be written in brackets, like [::1]:53`);
    } else {
      host = target;
    }
  }
  if (portText === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new ProbeFailure(`target ${JSON.stringify(target)}: invalid port ${JSON.stringify(portText)}`);
  return { host, port: Number(portText) };
}
