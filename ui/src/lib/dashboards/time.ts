// Grafana's time expressions ("now-6h", "now/d", epoch ms) and the query interval
// ($__interval, step) a panel gets for a range.
import { type TimeRange, formatDuration, parseDuration } from '../timerange';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, M: 30 * 86_400_000, y: 365 * 86_400_000 };

/** "30s", "5m", "1h", "250ms", "2d" → ms; undefined for anything else. */
export function parseInterval(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)\s*$/.exec(s);
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? NaN);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

function roundTo(ms: number, unit: string, up: boolean): number {
  const d = new Date(ms);
  const z = (): void => {
    d.setUTCHours(0, 0, 0, 0);
  };
  switch (unit) {
    case 's': d.setUTCMilliseconds(0); break;
    case 'm': d.setUTCSeconds(0, 0); break;
    case 'h': d.setUTCMinutes(0, 0, 0); break;
    case 'd': z(); break;
    case 'w': z(); d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); break;
    case 'M': z(); d.setUTCDate(1); break;
    case 'y': z(); d.setUTCMonth(0, 1); break;
    default: return ms;
  }
  if (!up) return d.getTime();
  const next = new Date(d.getTime());
  if (unit === 'M') next.setUTCMonth(next.getUTCMonth() + 1);
  else if (unit === 'y') next.setUTCFullYear(next.getUTCFullYear() + 1);
  else next.setTime(next.getTime() + (UNIT_MS[unit] ?? 0));
  return next.getTime() - 1;
}

/**
 * A time of a range bound: "now", "now-6h", "now-1d/d", "now/w" (rounded, to the end of the unit
 * when `roundUp`, as Grafana does for `to`), epoch ms, or an ISO date. Undefined when unreadable.
 */
export function parseTimeExpr(s: string, nowMs: number, roundUp = false): number | undefined {
  const t = s.trim();
  if (/^\d{1,15}$/.test(t)) return Number(t);
  if (!t.startsWith('now')) {
    if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : undefined;
  }
  let ms = nowMs;
  const re = /([+-])(\d+)(ms|s|m|h|d|w|M|y)|\/(s|m|h|d|w|M|y)/y;
  let i = 3;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return undefined;
    if (m[4] !== undefined) ms = roundTo(ms, m[4], roundUp);
    else {
      const delta = Number(m[2]) * (UNIT_MS[m[3] ?? ''] ?? 0);
      ms += m[1] === '-' ? -delta : delta;
    }
    i = re.lastIndex;
  }
  return ms;
}

export interface RangeSpec {
  readonly from: string;
  readonly to: string;
}

/** [startMs, endMs] of a range at `nowMs`; a bad or empty range falls back to the last 6 h. */
export function resolveSpec(r: RangeSpec, nowMs: number): { startMs: number; endMs: number } {
  const startMs = parseTimeExpr(r.from, nowMs);
  const endMs = parseTimeExpr(r.to, nowMs, true);
  if (startMs === undefined || endMs === undefined || endMs <= startMs) return { startMs: nowMs - 6 * 3_600_000, endMs: nowMs };
  return { startMs, endMs };
}

/** ms → Grafana's short interval text: "15s", "1m", "2h", "1d", "500ms"; exact, largest unit first. */
export function formatInterval(ms: number): string {
  for (const u of ['w', 'd', 'h', 'm', 's'] as const) {
    const unit = UNIT_MS[u] ?? 1;
    if (ms >= unit && ms % unit === 0) return `${ms / unit}${u}`;
  }
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.max(1, Math.round(ms))}ms`;
}

const NICE_MS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 604_800_000];

/**
 * The interval of a panel's query (its step, and $__interval): the range divided by
 * `maxDataPoints` rounded up to a round value, but never below `minIntervalMs` (the panel's
 * "interval" field, e.g. ">=30s" or "1m", else the scrape interval). ms.
 */
export function panelInterval(startMs: number, endMs: number, maxDataPoints: number, minIntervalMs: number): number {
  const raw = (endMs - startMs) / Math.max(1, maxDataPoints);
  const nice = NICE_MS.find((n) => n >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
  return Math.max(nice, minIntervalMs, 1);
}

/** The panel's or target's minimum interval field (">=30s", "1m"); `fallbackMs` when empty or a variable. */
export function minIntervalOf(field: unknown, fallbackMs: number): number {
  if (typeof field !== 'string') return fallbackMs;
  return parseInterval(field.replace(/^>=?/, '')) ?? fallbackMs;
}

/** Picker choice ↔ Grafana range: "last 6h" is {from: "now-6h", to: "now"}; anything else is absolute at `nowMs`. */
export function specToTimeRange(r: RangeSpec, nowMs: number): TimeRange {
  const m = /^now-(\d+[smhdw])$/.exec(r.from.trim());
  const d = m && r.to.trim() === 'now' ? parseDuration(m[1] ?? '') : undefined;
  if (d !== undefined) return { kind: 'relative', durationMs: d };
  const { startMs, endMs } = resolveSpec(r, nowMs);
  return { kind: 'absolute', fromMs: startMs, toMs: endMs };
}
export function timeRangeToSpec(t: TimeRange): RangeSpec {
  return t.kind === 'relative' ? { from: `now-${formatDuration(t.durationMs)}`, to: 'now' } : { from: String(Math.round(t.fromMs)), to: String(Math.round(t.toMs)) };
}
/** from/to from the URL (Grafana's syntax), else the dashboard's `time`. */
export function specFromSearch(search: string, dflt: RangeSpec): RangeSpec {
  const p = new URLSearchParams(search);
  const from = p.get('from');
  const to = p.get('to');
  return from !== null && to !== null && from !== '' && to !== '' ? { from, to } : dflt;
}
