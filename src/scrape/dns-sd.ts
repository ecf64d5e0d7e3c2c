import { promises as dns } from 'node:dns';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../common/index.js';
import type { DnsSDConfig } from '../config/index.js';
import { RefreshDiscovery } from './refresh-sd.js';
import type { TargetGroup } from './target.js';

/** Where dns_sd_configs look names up. Each field left out comes from the system (/etc/resolv.conf). */
export interface DnsResolverOptions {
  /** Name servers, `ip` or `ip:port` (as dns.setServers takes them); default the system's. */
  readonly servers?: readonly string[];
  /** Search domains; default resolv.conf's `search` (or `domain`). */
  readonly search?: readonly string[];
  /** resolv.conf's `options ndots:N`; default resolv.conf's, else 1. */
  readonly ndots?: number;
  /** ms a server has to answer one query; default 2000 (miekg/dns' timeout in Prometheus). */
  readonly timeoutMs?: number;
  /** Read for the search domains and ndots when not given; default /etc/resolv.conf. */
  readonly resolvConf?: string;
}

const RESOLV_CONF = '/etc/resolv.conf';
const DEFAULT_TIMEOUT_MS = 2_000;

/** The search domains and ndots of a resolv.conf, read as miekg/dns' ClientConfigFromReader does. */
export function parseResolvConf(text: string): { search: string[]; ndots: number } {
  let search: string[] = [];
  let ndots = 1;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'domain') search = f[1] !== undefined ? [f[1]] : [];
    else if (f[0] === 'search') search = f.slice(1);
    else if (f[0] === 'options') {
      for (const o of f.slice(1)) {
        if (!o.startsWith('ndots:')) continue;
        const n = Number.parseInt(o.slice(6), 10);
        ndots = Number.isNaN(n) ? 0 : Math.min(Math.max(n, 0), 15);
      }
    }
  }
  return { search, ndots };
}

/**
 * The names tried for `name`, in order (miekg/dns' NameList): a name ending in `.` as it is;
 * otherwise each search domain appended, the bare name first when it has more than `ndots` labels,
 * last otherwise. All end in `.` (so that nothing appends more).
 */
export function nameList(name: string, search: readonly string[], ndots: number): string[] {
  if (name.endsWith('.')) return [name];
  const fqdn = (n: string): string => (n.endsWith('.') ? n : `${n}.`);
  const hasNdots = name.split('.').length > ndots;
  const out = search.map((s) => fqdn(`${name}.${s}`));
  if (hasNdots) out.unshift(`${name}.`);
  else out.push(`${name}.`);
  return out;
}

/** `host:port`, brackets around an IPv6 address (Go's net.JoinHostPort). */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A name as miekg/dns gives it in a record (rooted, with the final dot). */
function rooted(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** Go prints an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as a.b.c.d. */
function goIPv6(ip: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
}

interface DnsError extends Error {
  readonly code?: string;
}

/**
 * Prometheus' dns_sd: every refresh_interval, each name is looked up (SRV, A, AAAA, MX or NS)
 * through the search domains as Prometheus does. A target per record: an SRV record's target
 * and port, otherwise the address or host name with the configured port; meta labels
 * `__meta_dns_name` (the name as configured), `__meta_dns_srv_record_target`/`_port`,
 * `__meta_dns_mx_record_target`, `__meta_dns_ns_record_target` (rooted names, final dot kept).
 * A name that does not exist (NXDOMAIN everywhere) or has no such records has no targets; a
 * name whose lookup failed (timeout, SERVFAIL, REFUSED...) keeps its previous targets, logged.
 */
export class DnsDiscovery extends RefreshDiscovery {
  private readonly byName = new Map<string, TargetGroup[]>();
  /** Names whose last lookup found nothing: logged once when that starts, not at every refresh. */
  private readonly empty = new Set<string>();

  constructor(
    private readonly cfg: DnsSDConfig,
    onUpdate: (groups: TargetGroup[]) => void,
    logger: Logger,
    private readonly opts: DnsResolverOptions = {},
  ) {
    super('dns_sd', cfg.refresh_interval, onUpdate, logger);
  }

  protected describe(): Record<string, unknown> {
    return { names: this.cfg.names, type: this.cfg.type };
  }

  protected async refresh(signal: AbortSignal): Promise<TargetGroup[]> {
    const { search, ndots } = await this.searchPath();
    // A new resolver each time: it reads the system's name servers now, as Prometheus reads resolv.conf at every lookup.
    const resolver = new dns.Resolver({ timeout: this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, tries: 1 });
    if (this.opts.servers !== undefined) resolver.setServers(this.opts.servers);
    const cancel = (): void => resolver.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await Promise.all(
        this.cfg.names.map(async (name) => {
          try {
            const groups = await this.lookup(resolver, name, search, ndots);
            this.byName.set(name, groups);
            if (groups.length > 0) this.empty.delete(name);
            else if (!this.empty.has(name)) {
              this.empty.add(name);
              this.logger.warn({ name, type: this.cfg.type }, 'dns_sd: the name does not exist or has no records of this type: no targets (resolved through DNS only, not /etc/hosts)');
            }
          } catch (err) {
            if (!signal.aborted) this.logger.error({ name, type: this.cfg.type, err: (err as Error).message }, 'dns_sd: error refreshing DNS targets (the previous targets of this name stay)');
          }
        }),
      );
    } finally {
      signal.removeEventListener('abort', cancel);
    }
    signal.throwIfAborted();
    return this.cfg.names.flatMap((n) => this.byName.get(n) ?? []);
  }

  private async searchPath(): Promise<{ search: readonly string[]; ndots: number }> {
    const { search, ndots } = this.opts;
    if (search !== undefined && ndots !== undefined) return { search, ndots };
    const path = this.opts.resolvConf ?? RESOLV_CONF;
    let conf: { search: string[]; ndots: number };
    try {
      conf = parseResolvConf(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`could not load ${path}: ${(err as Error).message}`, { cause: err });
    }
    return { search: search ?? conf.search, ndots: ndots ?? conf.ndots };
  }

  /**
   * Prometheus' lookupWithSearchPath: the first name of the search list that exists gives the
   * answer (possibly no records); NXDOMAIN for all of them means no targets; otherwise (some
   * name got an error) the lookup failed.
   */
  private async lookup(resolver: dns.Resolver, name: string, search: readonly string[], ndots: number): Promise<TargetGroup[]> {
    let failure: DnsError | undefined;
    for (const q of nameList(name, search, ndots)) {
      try {
        return await this.query(resolver, name, q);
      } catch (e) {
        const err = e as DnsError;
        if (err.code === 'ENODATA') return []; // the name exists, without records of this type
        if (err.code === 'ENOTFOUND') continue; // NXDOMAIN: try the next name
        failure = err;
      }
    }
    if (failure === undefined) return [];
    throw new Error(`could not resolve ${JSON.stringify(name)}: all servers responded with errors to at least one search domain (${failure.code ?? failure.message})`);
  }

  private async query(resolver: dns.Resolver, name: string, q: string): Promise<TargetGroup[]> {
    const port = this.cfg.port;
    const group = (target: string, labels: Record<string, string> = {}): TargetGroup => ({ targets: [target], labels: { __meta_dns_name: name, ...labels }, source: name });
    switch (this.cfg.type) {
      case 'SRV':
        return (await resolver.resolveSrv(q)).map((r) =>
          group(joinHostPort(r.name.replace(/\.+$/, ''), r.port), { __meta_dns_srv_record_target: rooted(r.name), __meta_dns_srv_record_port: String(r.port) }),
        );
      case 'A':
        return (await resolver.resolve4(q)).map((ip) => group(joinHostPort(ip, port)));
      case 'AAAA':
        return (await resolver.resolve6(q)).map((ip) => group(joinHostPort(goIPv6(ip), port)));
      case 'MX':
        return (await resolver.resolveMx(q)).map((r) => group(joinHostPort(r.exchange.replace(/\.+$/, ''), port), { __meta_dns_mx_record_target: rooted(r.exchange) }));
      case 'NS':
        return (await resolver.resolveNs(q)).map((ns) => group(joinHostPort(ns.replace(/\.+$/, ''), port), { __meta_dns_ns_record_target: rooted(ns) }));
    }
  }
}
