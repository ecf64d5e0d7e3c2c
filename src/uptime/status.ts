import type { ProbeResult } from '../probe/index.js';
import type { Incident, IncidentStatus, IncidentStore } from './incidents.js';

/** A target's state from its last probe: `unknown` until it has been probed (after a start or a reload). */
export type TargetStatus = 'up' | 'slow' | 'down' | 'unknown';

/** What the last probe of a target found, as the API shows it. Times in ms, durations in seconds. */
export interface LastProbe {
  readonly timeMs: number;
  readonly durationSeconds: number;
  readonly success: boolean;
  readonly failureReason: string | undefined;
  /** `probe_http_status_code`, when the prober reports one. */
  readonly httpStatusCode: number | undefined;
  /** `probe_ssl_earliest_cert_expiry` in ms since the epoch, when TLS was used. */
  readonly certExpiryMs: number | undefined;
  /** Seconds per phase from `probe_http_duration_seconds` / `probe_dns_duration_seconds` (e.g. connect, tls). */
  readonly phases: Readonly<Record<string, number>>;
}

/** Classifies one result: down on failure, slow when successful but over `slowThresholdMs` (0 = never slow). */
export function classify(result: ProbeResult, slowThresholdMs: number): 'up' | 'slow' | 'down' {
  if (!result.success) return 'down';
  return slowThresholdMs > 0 && result.durationSeconds * 1000 > slowThresholdMs ? 'slow' : 'up';
}

export function summarize(result: ProbeResult, timeMs: number): LastProbe {
  let httpStatusCode: number | undefined;
  let certExpiryMs: number | undefined;
  const phases: Record<string, number> = {};
  for (const m of result.metrics) {
    if (m.name === 'probe_http_status_code') httpStatusCode = m.value;
    else if (m.name === 'probe_ssl_earliest_cert_expiry') certExpiryMs = m.value * 1000;
    else if ((m.name === 'probe_http_duration_seconds' || m.name === 'probe_dns_duration_seconds') && m.labels['phase'] !== undefined) {
      const p = m.labels['phase'];
      phases[p] = (phases[p] ?? 0) + m.value;
    }
  }
  return { timeMs, durationSeconds: result.durationSeconds, success: result.success, failureReason: result.failureReason, httpStatusCode, certExpiryMs, phases };
}

/**
 * Status and incident bookkeeping of one (job, target). An incident opens when the target has
 * been down (or slow) for `openAfter` consecutive probes, dated from the first of them, and
 * closes at the first probe that finds it in another state; a change between down and slow
 * closes one incident and opens the other. A successful probe always closes at once.
 */
export class TargetHealth {
  status: TargetStatus = 'unknown';
  last: LastProbe | undefined;
  private pending: { status: IncidentStatus; count: number; sinceMs: number; reason: string } | undefined;

  constructor(
    private readonly store: IncidentStore | undefined,
    readonly job: string,
    readonly instance: string,
    private module: string,
    /** The open incident carried over from before a restart, if any. */
    public incident: Incident | undefined,
  ) {}

  setModule(module: string): void {
    this.module = module;
  }

  /** Records one probe result started at `timeMs`. `openAfter` ≥ 1. */
  observe(result: ProbeResult, timeMs: number, slowThresholdMs: number, openAfter: number): void {
    const status = classify(result, slowThresholdMs);
    this.status = status;
    this.last = summarize(result, timeMs);
    if (status === 'up') {
      this.pending = undefined;
      this.closeIncident(timeMs);
      return;
    }
    if (this.incident?.status === status) return;
    const reason =
      status === 'down'
        ? (result.failureReason ?? 'probe failed')
        : `probe took ${result.durationSeconds.toFixed(3)}s, over the ${slowThresholdMs / 1000}s slow threshold`;
    if (this.pending?.status === status) this.pending.count++;
    else this.pending = { status, count: 1, sinceMs: timeMs, reason };
    if (this.pending.count < openAfter) return;
    this.closeIncident(this.pending.sinceMs);
    const opened = { job: this.job, instance: this.instance, module: this.module, status, reason: this.pending.reason, startMs: this.pending.sinceMs };
    this.incident = this.store?.open(opened) ?? { ...opened, id: 0, endMs: undefined };
    this.pending = undefined;
  }

  /** Closes the open incident, if any, at `timeMs` (the target went away or recovered). */
  closeIncident(timeMs: number): void {
    if (this.incident === undefined) return;
    this.store?.close(this.incident.id, timeMs);
    this.incident = undefined;
  }
}
