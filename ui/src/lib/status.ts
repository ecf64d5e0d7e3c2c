// Green / orange / red for the overview's tiles. Thresholds are the users' (USERS.md): CPU over
// 80 % warns and over 90 % is critical, disk under 10 % free is critical, RAM full is critical,
// a host silent for more than 30 minutes is down.

export type Health = 'ok' | 'warn' | 'crit' | 'unknown';

export const HEALTH_LABEL: Readonly<Record<Health, string>> = { ok: 'OK', warn: 'Warning', crit: 'Critical', unknown: 'Unknown' };

export interface HostFacts {
  /** `up` of a scraped node_exporter; undefined for the built-in collector (it has no `up`). */
  readonly up?: number | undefined;
  /** Seconds since the last sample from the host; undefined when none in the last hour. */
  readonly silentSeconds?: number | undefined;
  readonly cpuPercent?: number | undefined;
  readonly memPercent?: number | undefined;
  /** The fullest filesystem, percent used. */
  readonly diskPercent?: number | undefined;
  /** Alerts firing with this host's instance label: critical ones make the tile red, others orange. */
  readonly firing?: readonly { readonly name: string; readonly severity: string | undefined }[] | undefined;
}

export interface Verdict {
  readonly health: Health;
  /** Every reason, worst first; empty when OK. */
  readonly reasons: readonly string[];
}

const SILENT_WARN_S = 120;
const SILENT_CRIT_S = 30 * 60;

export function hostHealth(f: HostFacts): Verdict {
  const crit: string[] = [];
  const warn: string[] = [];
  if (f.up === 0) crit.push('scrape failing (up = 0)');
  if (f.silentSeconds === undefined && f.up === undefined) return { health: 'unknown', reasons: ['no data'] };
  if (f.silentSeconds !== undefined) {
    if (f.silentSeconds > SILENT_CRIT_S) crit.push(`silent for ${Math.round(f.silentSeconds / 60)} min`);
    else if (f.silentSeconds > SILENT_WARN_S) warn.push(`no data for ${Math.round(f.silentSeconds)} s`);
  }
  const pct = (v: number): string => `${Math.round(v)}%`;
  if (f.cpuPercent !== undefined) {
    if (f.cpuPercent > 90) crit.push(`CPU ${pct(f.cpuPercent)}`);
    else if (f.cpuPercent > 80) warn.push(`CPU ${pct(f.cpuPercent)}`);
  }
  if (f.memPercent !== undefined) {
    if (f.memPercent >= 98) crit.push(`RAM ${pct(f.memPercent)} used`);
    else if (f.memPercent > 90) warn.push(`RAM ${pct(f.memPercent)} used`);
  }
  if (f.diskPercent !== undefined) {
    if (f.diskPercent > 90) crit.push(`disk ${pct(f.diskPercent)} full`);
    else if (f.diskPercent > 80) warn.push(`disk ${pct(f.diskPercent)} full`);
  }
  for (const a of f.firing ?? []) {
    const reason = `alert ${a.name} firing${a.severity !== undefined ? ` (${a.severity})` : ''}`;
    if (a.severity === 'critical' || a.severity === 'page') crit.push(reason);
    else warn.push(reason);
  }
  if (crit.length > 0) return { health: 'crit', reasons: [...crit, ...warn] };
  if (warn.length > 0) return { health: 'warn', reasons: warn };
  return { health: 'ok', reasons: [] };
}

/** A probe's status from GET /api/v1/probes. */
export function probeHealth(status: string): Health {
  return status === 'up' ? 'ok' : status === 'slow' ? 'warn' : status === 'down' ? 'crit' : 'unknown';
}
