import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { type Answer, type DecodedPacket, RECURSION_DESIRED, decode, encode } from 'dns-packet';
import type { DnsProbeConfig } from './config.js';
import { type Prober, type ProberContext, ProbeFailure, describeNetError } from './context.js';
import { DNS_CLASSES, DNS_RCODES, DNS_TYPES } from './dns-names.js';
import { recordText } from './dns-text.js';
import { tcpConnect } from './http-connect.js';
import { compileGoRegexp } from './regexp.js';
import { resolveTarget, splitHostPort } from './resolve.js';

const H = {
  duration: 'Duration of DNS request by phase',
  answer: 'Returns number of entries in the answer resource record list',
  authority: 'Returns number of entries in the authority resource record list',
  additional: 'Returns number of entries in the additional resource record list',
  succeeded: 'Displays whether or not the query was executed successfully',
  serial: 'Returns the serial number of the zone',
} as const;

/** Largest DNS message accepted over TCP (the 2-byte length allows 65535). */
const MAX_TCP_MESSAGE = 65_535;

/** The query as bytes: dns-packet's encoding, with the question's type and class written from their codes. */
export function encodeQuery(id: number, cfg: DnsProbeConfig): Buffer {
  const name = cfg.query_name.endsWith('.') && cfg.query_name !== '.' ? cfg.query_name.slice(0, -1) : cfg.query_name;
  const buf = encode({ type: 'query', id, flags: cfg.recursion_desired ? RECURSION_DESIRED : 0, questions: [{ type: 'A', class: 'IN', name: name === '.' ? '' : name }] });
  buf.writeUInt16BE(DNS_TYPES[cfg.query_type] ?? 255, buf.length - 4);
  buf.writeUInt16BE(DNS_CLASSES[cfg.query_class] ?? 1, buf.length - 2);
  return buf;
}

interface Exchanged {
  readonly response: DecodedPacket;
  /** Seconds from sending the query to the response (miekg's rtt). */
  readonly rttSeconds: number;
}

function decodeResponse(buf: Buffer, id: number): DecodedPacket | undefined {
  let p: DecodedPacket;
  try {
    p = decode(buf);
  } catch (err) {
    throw new ProbeFailure(`malformed DNS response (${buf.length} bytes): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return p.id === id ? p : undefined;
}

function exchangeUDP(address: string, family: 4 | 6, port: number, query: Buffer, id: number, ctx: ProberContext, sourceIP: string | undefined): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    const socket: UdpSocket = createSocket(family === 4 ? 'udp4' : 'udp6');
    let sentAt = 0;
    const done = (err: Error | undefined, r?: Exchanged): void => {
      ctx.signal.removeEventListener('abort', onAbort);
      try {
        socket.close();
      } catch {
        // already closed
      }
      if (err !== undefined) reject(err);
      else if (r !== undefined) resolve(r);
    };
    const onAbort = (): void => done(new ProbeFailure('aborted'));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => done(new ProbeFailure(`DNS query over UDP to ${address}:${port}: ${describeNetError(err)}`, { cause: err })));
    socket.on('message', (msg) => {
      try {
        const response = decodeResponse(msg, id);
        if (response !== undefined) done(undefined, { response, rttSeconds: (performance.now() - sentAt) / 1000 });
      } catch (err) {
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
    const go = (): void => {
      socket.connect(port, address, () => {
        sentAt = performance.now();
        socket.send(query);
      });
    };
    if (sourceIP !== undefined) socket.bind({ address: sourceIP, port: 0 }, go);
    else go();
  });
}

async function exchangeTCP(address: string, port: number, query: Buffer, id: number, ctx: ProberContext, sourceIP: string | undefined): Promise<Exchanged> {
  const socket = await tcpConnect(address, port, ctx, sourceIP);
  try {
    return await new Promise<Exchanged>((resolve, reject) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(query.length);
      const sentAt = performance.now();
      socket.write(Buffer.concat([prefix, query]));
      let buf = Buffer.alloc(0);
      const onAbort = (): void => reject(new ProbeFailure('aborted'));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const fail = (message: string): void => {
        ctx.signal.removeEventListener('abort', onAbort);
        reject(new ProbeFailure(message));
      };
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        while (buf.length >= 2) {
          const len = buf.readUInt16BE(0);
          if (buf.length > MAX_TCP_MESSAGE + 2) return fail('DNS response over TCP is larger than a DNS message can be');
          if (buf.length < len + 2) return;
          const msg = buf.subarray(2, len + 2);
          buf = buf.subarray(len + 2);
          try {
            const response = decodeResponse(msg, id);
            if (response !== undefined) {
              ctx.signal.removeEventListener('abort', onAbort);
              return resolve({ response, rttSeconds: (performance.now() - sentAt) / 1000 });
            }
          } catch (err) {
            return fail(err instanceof Error ? err.message : String(err));
          }
        }
      });
      socket.on('end', () => fail(`DNS server ${address}:${port} closed the TCP connection without answering`));
      socket.on('error', (err) => fail(`DNS query over TCP to ${address}:${port}: ${describeNetError(err)}`));
    });
  } finally {
    socket.destroy();
  }
}

type Validator = DnsProbeConfig['validate_answer_rrs'];

/** blackbox's validRRs over the records' miekg text; returns the failure or undefined. */
export function validateRecords(section: string, records: readonly Answer[], v: Validator): string | undefined {
  const texts = records.map(recordText);
  if (texts.length === 0 && v.fail_if_not_matches_regexp.length > 0) return `no ${section} records, fail_if_not_matches_regexp needs some`;
  if (texts.length === 0 && v.fail_if_none_matches_regexp.length > 0) return `no ${section} records, fail_if_none_matches_regexp needs some`;
  for (const p of v.fail_if_matches_regexp) {
    const re = compileGoRegexp(p);
    const hit = texts.find((t) => re.test(t));
    if (hit !== undefined) return `${section} record ${JSON.stringify(hit)} matched fail_if_matches_regexp ${JSON.stringify(p)}`;
  }
  for (const p of v.fail_if_not_matches_regexp) {
    const re = compileGoRegexp(p);
    const miss = texts.find((t) => !re.test(t));
    if (miss !== undefined) return `${section} record ${JSON.stringify(miss)} did not match fail_if_not_matches_regexp ${JSON.stringify(p)}`;
  }
  // As blackbox_exporter does it (whatever its name says): fails when some record does NOT match.
  if (v.fail_if_all_match_regexp.length > 0 && !texts.every((t) => v.fail_if_all_match_regexp.every((p) => compileGoRegexp(p).test(t)))) {
    return `not every ${section} record matched fail_if_all_match_regexp`;
  }
  if (v.fail_if_none_matches_regexp.length > 0 && !texts.some((t) => v.fail_if_none_matches_regexp.some((p) => compileGoRegexp(p).test(t)))) {
    return `no ${section} record matched fail_if_none_matches_regexp`;
  }
  return undefined;
}

function rcodeName(code: number): string {
  return Object.entries(DNS_RCODES).find(([, c]) => c === code)?.[0] ?? `RCODE${code}`;
}

/** The dns prober (METRICS.md §5.3): one query to the target server over UDP or TCP. */
export const probeDNS: Prober<DnsProbeConfig> = async (target, cfg, ctx) => {
  const m = ctx.metrics;
  m.declare('probe_dns_answer_rrs', H.answer);
  m.declare('probe_dns_authority_rrs', H.authority);
  m.declare('probe_dns_additional_rrs', H.additional);
  m.declare('probe_dns_query_succeeded', H.succeeded);
  if (cfg.dns_over_tls) return 'DNS over TLS is not supported by Vigie yet';
  if (cfg.query_name === '') return 'the dns module has no query_name';
  let host = target;
  let port = 53;
  try {
    const hp = splitHostPort(target);
    host = hp.host;
    port = hp.port ?? 53;
  } catch {
    // Go's SplitHostPort failed: the whole target is the host, on the default port.
  }
  const r = await resolveTarget(host, cfg.preferred_ip_protocol, cfg.ip_protocol_fallback, ctx);
  m.add('probe_dns_duration_seconds', H.duration, r.lookupSeconds, { phase: 'resolve' });
  const id = randomInt(0, 65_536);
  const query = encodeQuery(id, cfg);
  const start = performance.now();
  let ex: Exchanged | undefined;
  try {
    ex = cfg.transport_protocol === 'tcp' ? await exchangeTCP(r.address, port, query, id, ctx, cfg.source_ip_address) : await exchangeUDP(r.address, r.family, port, query, id, ctx, cfg.source_ip_address);
  } finally {
    const total = (performance.now() - start) / 1000;
    m.set('probe_dns_duration_seconds', H.duration, ex === undefined ? total : total - ex.rttSeconds, { phase: 'connect' });
    m.set('probe_dns_duration_seconds', H.duration, ex?.rttSeconds ?? 0, { phase: 'request' });
  }
  const res = ex.response;
  const answers = res.answers ?? [];
  const authorities = res.authorities ?? [];
  const additionals = res.additionals ?? [];
  m.set('probe_dns_answer_rrs', H.answer, answers.length);
  m.set('probe_dns_authority_rrs', H.authority, authorities.length);
  m.set('probe_dns_additional_rrs', H.additional, additionals.length);
  m.set('probe_dns_query_succeeded', H.succeeded, 1);
  if (cfg.query_type === 'SOA') {
    m.set('probe_dns_serial', H.serial, 0);
    for (const a of answers) if (a.type === 'SOA') m.set('probe_dns_serial', H.serial, a.data.serial ?? 0);
  }
  for (const a of answers) ctx.log(`answer: ${recordText(a)}`);
  const rcode = (res.flags ?? 0) & 0xf;
  if (!cfg.valid_rcodes.some((n) => DNS_RCODES[n] === rcode)) return `rcode ${rcodeName(rcode)} is not one of the valid rcodes [${cfg.valid_rcodes.join(', ')}]`;
  return validateRecords('answer', answers, cfg.validate_answer_rrs) ?? validateRecords('authority', authorities, cfg.validate_authority_rrs) ?? validateRecords('additional', additionals, cfg.validate_additional_rrs);
};
