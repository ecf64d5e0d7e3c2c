import type { ProbeMetric } from './types.js';

/**
 * The samples of one probe as it runs, keyed by name and labels like blackbox_exporter's
 * per-probe registry: a sample is "registered" (declared with 0) before the probe when
 * blackbox registers it up front, and set or added to as the probe goes.
 */
export class ProbeMetrics {
  private readonly samples = new Map<string, { name: string; help: string; labels: Record<string, string>; value: number }>();

  private key(name: string, labels: Readonly<Record<string, string>>): string {
    return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
  }

  /** Registers the sample with 0 unless it exists. */
  declare(name: string, help: string, labels: Readonly<Record<string, string>> = {}): void {
    const k = this.key(name, labels);
    if (!this.samples.has(k)) this.samples.set(k, { name, help, labels: { ...labels }, value: 0 });
  }

  set(name: string, help: string, value: number, labels: Readonly<Record<string, string>> = {}): void {
    this.samples.set(this.key(name, labels), { name, help, labels: { ...labels }, value });
  }

  add(name: string, help: string, delta: number, labels: Readonly<Record<string, string>> = {}): void {
    const k = this.key(name, labels);
    const cur = this.samples.get(k);
    this.samples.set(k, { name, help, labels: { ...labels }, value: (cur?.value ?? 0) + delta });
  }

  get(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    return this.samples.get(this.key(name, labels))?.value;
  }

  has(name: string): boolean {
    for (const s of this.samples.values()) if (s.name === name) return true;
    return false;
  }

  /** Every sample, families sorted by name, samples of a family by their labels. */
  list(): ProbeMetric[] {
    return sortMetrics([...this.samples.values()]);
  }
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** Sorts samples as the exposition renders them: by name, then by label pairs. */
export function sortMetrics(metrics: readonly ProbeMetric[]): ProbeMetric[] {
  return [...metrics].sort((a, b) => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    const la = labelsText(a.labels);
    const lb = labelsText(b.labels);
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
}

/** Help texts of the metrics several probers share (blackbox_exporter's own wording, for compatibility). */
export const HELP = {
  success: 'Displays whether or not the probe was a success',
  duration: 'Returns how long the probe took to complete in seconds',
  timeout: 'Returns how long the probe timeout is in seconds',
  failureReason: 'Why the probe failed, as one sentence in the reason label (Vigie only; absent on success)',
  dnsLookup: 'Returns the time taken for probe dns lookup in seconds',
  ipProtocol: 'Specifies whether probe ip protocol is IP4 or IP6',
  ipAddrHash: "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  sslEarliest: 'Returns last SSL chain expiry in unixtime',
  sslLastChain: 'Returns last SSL chain expiry in timestamp',
  sslChainInfo: 'Contains SSL leaf certificate information',
  tlsVersion: 'Returns the TLS version used or NaN when unknown',
  tlsCipher: 'Returns the TLS cipher negotiated during handshake',
  failedDueToRegex: 'Indicates if probe failed due to regex',
  failedDueToBytes: 'Indicates if probe failed due to bytes',
} as const;
