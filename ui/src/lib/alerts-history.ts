// The alert history (GET /api/v1/alerts/history, src/rules/routes.ts) as timelines: per alert
// instance (its label set), the spans it spent pending and firing within a time range.
import { type Labels } from './prom';
import { labelsKey } from './alerts';

/** One transition as the API sends it (newest first); `time` RFC 3339. */
export interface HistoryEntry {
  readonly time: string;
  readonly alertname: string;
  /** pending, firing or resolved. */
  readonly state: string;
  /** The state before: inactive, pending or firing. */
  readonly from: string;
  readonly labels: Labels;
  readonly annotations?: Labels;
  readonly value?: string;
}

/** A stretch of time in one state; ms, [startMs, endMs) clipped to the range; `open` when it goes on past the range's end. */
export interface Span {
  readonly state: 'pending' | 'firing';
  readonly startMs: number;
  readonly endMs: number;
  readonly open: boolean;
}

export interface Timeline {
  readonly key: string;
  readonly alertname: string;
  readonly labels: Labels;
  readonly spans: readonly Span[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The well-formed entries of a history answer (state and time checked). */
export function parseHistory(data: unknown): HistoryEntry[] {
  if (!Array.isArray(data)) return [];
  return data.filter(
    (e): e is HistoryEntry =>
      isObj(e) && typeof e['time'] === 'string' && Number.isFinite(Date.parse(e['time'])) && typeof e['alertname'] === 'string' && typeof e['state'] === 'string' && isObj(e['labels']),
  );
}

const activeState = (s: string): 'pending' | 'firing' | undefined => (s === 'pending' || s === 'firing' ? s : undefined);

/**
 * Builds one timeline per alert instance from transitions in [startMs, endMs] (any order).
 * Before an instance's first transition in the range it was in that transition's `from`
 * state (so an alert firing since before the range starts at startMs); after its last one it
 * stays in that state up to `endMs` (open). Timelines sorted by alertname, then labels.
 */
export function buildTimelines(entries: readonly HistoryEntry[], startMs: number, endMs: number): Timeline[] {
  const by = new Map<string, { alertname: string; labels: Labels; list: { t: number; state: string; from: string }[] }>();
  for (const e of entries) {
    const t = Date.parse(e.time);
    const key = labelsKey(e.labels);
    const g = by.get(key) ?? { alertname: e.alertname, labels: e.labels, list: [] };
    g.list.push({ t, state: e.state, from: e.from });
    by.set(key, g);
  }
  const out: Timeline[] = [];
  for (const [key, g] of by) {
    g.list.sort((a, b) => a.t - b.t);
    const spans: Span[] = [];
    let cur: 'pending' | 'firing' | undefined = activeState(g.list[0]?.from ?? '');
    let since = startMs;
    const close = (at: number, open: boolean): void => {
      const s = Math.max(since, startMs);
      const e = Math.min(at, endMs);
      if (cur !== undefined && e > s) spans.push({ state: cur, startMs: s, endMs: e, open });
    };
    for (const x of g.list) {
      close(x.t, false);
      cur = activeState(x.state);
      since = x.t;
    }
    close(endMs, true);
    out.push({ key, alertname: g.alertname, labels: g.labels, spans });
  }
  return out.sort((a, b) => a.alertname.localeCompare(b.alertname) || a.key.localeCompare(b.key));
}

/** A span's left offset and width as percentages of [startMs, endMs] (width at least 0.3 % so short spans stay visible). */
export function spanBox(s: Span, startMs: number, endMs: number): { left: number; width: number } {
  const total = Math.max(1, endMs - startMs);
  const left = ((s.startMs - startMs) / total) * 100;
  const width = Math.max(0.3, ((s.endMs - s.startMs) / total) * 100);
  return { left: Math.max(0, Math.min(100, left)), width: Math.min(width, 100 - Math.max(0, Math.min(100, left))) };
}

/** GET /api/v1/alerts/history over [startMs, endMs]. */
export function historyPath(startMs: number, endMs: number, limit = 2000): string {
  const q = new URLSearchParams({ since: String(Math.floor(startMs / 1000)), until: String(Math.ceil(endMs / 1000)), limit: String(limit) });
  return `/api/v1/alerts/history?${q.toString()}`;
}
