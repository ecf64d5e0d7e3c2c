import { type Labels, labelsFromPairs, staleNaN } from '../model/index.js';
import type { ProbeMetric, ProbeResult } from '../probe/index.js';
import { SampleRejectedError, type Appender, type SeriesRef } from '../storage/index.js';

/**
 * The series a Prometheus scraping blackbox_exporter's `/probe` would store: what the exporter
 * renders, with the target labels added (honor_labels false: a clashing exported label is
 * renamed `exported_<name>`), and the scrape's own report series.
 */
export const REPORT_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;

interface Entry {
  ref: SeriesRef;
  readonly labels: Labels;
  /** Write round in which the series was last written. */
  round: number;
}

/**
 * The series of one (job, target): remembers their storage refs and the set written last, so
 * that a series missing from a later result (a TLS metric after a connection failure) and every
 * series when the target goes away get a staleness marker, as a scrape writes them.
 * Not shared between concurrent writers: one per target, written one probe at a time.
 */
export class TargetSeries {
  private readonly entries = new Map<string, Entry>();
  private readonly report: Entry[];
  private round = 0;
  /** ms timestamp of the last write; the next write is at least 1 ms later. */
  private lastT = -Infinity;

  /** `targetLabels`: job, instance, module and the job's labels (name → value). */
  constructor(private readonly targetLabels: ReadonlyMap<string, string>) {
    this.report = REPORT_SERIES.map((name) => ({ ref: 0, labels: this.labelsFor(name, {}), round: 0 }));
  }

  /** A timestamp for the next write: `t`, or 1 ms after the last write when `t` is not later. */
  nextTimestamp(t: number): number {
    return Math.max(t, this.lastT + 1);
  }

  /**
   * Appends `result` at `t` (ms, from `nextTimestamp`), then staleness markers for series of the
   * previous result missing from this one, then the report series. Returns how many series
   * were new. Samples the storage refuses (out of order) are skipped, not thrown.
   */
  write(app: Appender, result: ProbeResult, t: number): number {
    const round = ++this.round;
    let added = 0;
    for (const m of result.metrics) {
      const key = seriesKey(m);
      let e = this.entries.get(key);
      if (e === undefined) {
        e = { ref: 0, labels: this.labelsFor(m.name, m.labels), round };
        this.entries.set(key, e);
        added++;
      }
      e.round = round;
      put(app, e, t, m.value);
    }
    const stale = staleNaN();
    for (const [key, e] of this.entries) {
      if (e.round === round) continue;
      put(app, e, t, stale);
      this.entries.delete(key);
    }
    const n = result.metrics.length;
    const values = [1, result.durationSeconds, n, n, added];
    for (let i = 0; i < this.report.length; i++) put(app, this.report[i]!, t, values[i]!);
    this.lastT = t;
    return added;
  }

  /** Staleness markers for every series last written (the target went away), at `t` ms or later. */
  writeStale(app: Appender, t: number): void {
    if (this.round === 0) return;
    const ts = this.nextTimestamp(t);
    const stale = staleNaN();
    for (const e of this.entries.values()) put(app, e, ts, stale);
    for (const e of this.report) put(app, e, ts, stale);
    this.entries.clear();
    this.lastT = ts;
  }

  private labelsFor(name: string, own: Readonly<Record<string, string>>): Labels {
    const m = new Map<string, string>();
    for (const [k, v] of Object.entries(own)) m.set(k, v);
    m.set('__name__', name);
    const clashes: [string, string][] = [];
    for (const [k, v] of this.targetLabels) {
      const have = m.get(k);
      if (have !== undefined && k !== '__name__') clashes.push([k, have]);
      m.set(k, v);
    }
    for (const [k, v] of clashes) {
      let nk = `exported_${k}`;
      while (m.has(nk)) nk = `exported_${nk}`;
      m.set(nk, v);
    }
    return labelsFromPairs(m);
  }
}

function put(app: Appender, e: Entry, t: number, v: number): void {
  try {
    e.ref = app.append(e.ref, e.labels, t, v);
  } catch (err) {
    if (!(err instanceof SampleRejectedError)) throw err;
  }
}

function seriesKey(m: ProbeMetric): string {
  let key = m.name;
  for (const [k, v] of Object.entries(m.labels)) key += `\u0000${k}\u0000${v}`;
  return key;
}
