import type { Answer } from 'dns-packet';
import { DNS_TYPES } from './dns-names.js';

/**
 * Text form of a resource record as github.com/miekg/dns prints it (`RR.String()`), which
 * blackbox's validate_*_rrs regexps are written against:
 * `name.<TAB>ttl<TAB>class<TAB>type<TAB>rdata`, e.g. `www.example.org.\t300\tIN\tA\t192.0.2.1`.
 * Types without a known rdata layout print as RFC 3597 `\# <length> <hex>`.
 */

/** A domain name as miekg prints it: fully qualified, special characters escaped. */
export function fqdn(name: string): string {
  if (name === '' || name === '.') return '.';
  const labels = name.endsWith('.') ? name.slice(0, -1) : name;
  return `${labels.replace(/[ "();@\\$]/g, (c) => `\\${c}`)}.`;
}

/** A character-string quoted as miekg does: `"` and `\` escaped, bytes outside printable ASCII as \DDD. */
export function quoteText(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) out += `\\${String(b).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

function typeName(type: string): string {
  const m = /^UNKNOWN_(\d+)$/.exec(type);
  return m ? `TYPE${m[1]}` : type;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function rdata(a: Answer): string {
  // dns-packet's Answer is a union keyed by `type`; fields read here follow its decoders.
  const d = (a as { data?: unknown }).data;
  switch (a.type as string) {
    case 'A':
    case 'AAAA':
      return String(d);
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return fqdn(String(d));
    case 'MX': {
      const mx = d as { preference?: number; exchange: string };
      return `${mx.preference ?? 0} ${fqdn(mx.exchange)}`;
    }
    case 'SOA': {
      const s = d as { mname: string; rname: string; serial?: number; refresh?: number; retry?: number; expire?: number; minimum?: number };
      return `${fqdn(s.mname)} ${fqdn(s.rname)} ${s.serial ?? 0} ${s.refresh ?? 0} ${s.retry ?? 0} ${s.expire ?? 0} ${s.minimum ?? 0}`;
    }
    case 'TXT':
    case 'SPF': {
      const parts = Array.isArray(d) ? (d as (string | Uint8Array)[]) : [d as string | Uint8Array];
      return parts.map(quoteText).join(' ');
    }
    case 'SRV': {
      const s = d as { priority?: number; weight?: number; port?: number; target: string };
      return `${s.priority ?? 0} ${s.weight ?? 0} ${s.port ?? 0} ${fqdn(s.target)}`;
    }
    case 'CAA': {
      const c = d as { flags?: number; issuerCritical?: boolean; tag: string; value: string };
      return `${c.flags ?? (c.issuerCritical === true ? 128 : 0)} ${c.tag} ${quoteText(c.value)}`;
    }
    case 'HINFO': {
      const h = d as { cpu: string; os: string };
      return `${quoteText(h.cpu)} ${quoteText(h.os)}`;
    }
    default: {
      const raw = d instanceof Uint8Array ? d : new Uint8Array();
      return `\\# ${raw.length}${raw.length > 0 ? ` ${hex(raw)}` : ''}`;
    }
  }
}

/** The miekg text of one record. OPT pseudo-records print as miekg's `;; OPT PSEUDOSECTION` line. */
export function recordText(a: Answer): string {
  if (a.type === 'OPT') {
    const o = a as { udpPayloadSize?: number; extendedRcode?: number; ednsVersion?: number; flags?: number };
    return `\n;; OPT PSEUDOSECTION:\n; EDNS: version ${o.ednsVersion ?? 0}; flags:${(o.flags ?? 0) & 0x8000 ? ' do' : ''}; udp: ${o.udpPayloadSize ?? 0}`;
  }
  const b = a as { name: string; ttl?: number; class?: string };
  const type = typeName(a.type);
  const cls = b.class !== undefined ? b.class.replace(/^UNKNOWN_(\d+)$/, 'CLASS$1') : 'IN';
  const known = DNS_TYPES[type] !== undefined || /^TYPE\d+$/.test(type);
  return `${fqdn(b.name)}\t${b.ttl ?? 0}\t${cls}\t${known ? type : `TYPE${type}`}\t${rdata(a)}`;
}
