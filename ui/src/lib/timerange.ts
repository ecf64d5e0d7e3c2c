// Time ranges for every chart page: a relative "last N" or an absolute [from, to] (ms, inclusive).

export type TimeRange = { readonly kind: 'relative'; readonly durationMs: number } | { readonly kind: 'absolute'; readonly fromMs: number; readonly toMs: number };

/** The picker's choices, in order. */
export const RANGE_PRESETS: readonly { readonly label: string; readonly durationMs: number }[] = [
  { label: '1h', durationMs: 3_600_000 },
  { label: '6h', durationMs: 6 * 3_600_000 },
  { label: '24h', durationMs: 24 * 3_600_000 },
  { label: '7d', durationMs: 7 * 86_400_000 },
  { label: '30d', durationMs: 30 * 86_400_000 },
];

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', durationMs: 3_600_000 };

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const MAX_RANGE_MS = 400 * 86_400_000;

/** "90m", "6h", "7d" → ms; undefined for anything else (empty, negative, unknown unit, over 400 days). */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d{1,6})([smhdw])$/.exec(s.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  return ms > 0 && ms <= MAX_RANGE_MS ? ms : undefined;
}

/** ms → the shortest of "30d", "6h", "90m", "45s" that is exact. */
export function formatDuration(ms: number): string {
  for (const u of ['d', 'h', 'm'] as const) {
    const unit = UNIT_MS[u] ?? 1;
    if (ms > 0 && ms % unit === 0) return `${ms / unit}${u}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** The [start, end] in ms that a range covers at `nowMs`. */
export function resolveRange(r: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  return r.kind === 'relative' ? { startMs: nowMs - r.durationMs, endMs: nowMs } : { startMs: r.fromMs, endMs: r.toMs };
}

const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** A step giving at most about `maxPoints` points over [startMs, endMs], rounded up to a round value, at least 1 s. */
export function stepFor(startMs: number, endMs: number, maxPoints = 500): number {
  const raw = Math.max(1000, Math.ceil((endMs - startMs) / Math.max(1, maxPoints)));
  return NICE_STEPS_MS.find((s) => s >= raw) ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

/** Reads `range=6h` or `from=<ms>&to=<ms>` from URL parameters; anything invalid gives the default. */
export function rangeFromParams(p: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = p.get('from');
  const to = p.get('to');
  if (from !== null && to !== null && /^\d{1,15}$/.test(from) && /^\d{1,15}$/.test(to)) {
    const fromMs = Number(from);
    const toMs = Number(to);
    if (toMs > fromMs) return { kind: 'absolute', fromMs, toMs };
  }
  const d = parseDuration(p.get('range') ?? '');
  return d === undefined ? fallback : { kind: 'relative', durationMs: d };
}

/** Writes a range into URL parameters (the inverse of rangeFromParams). */
export function rangeToParams(r: TimeRange, p: URLSearchParams): void {
  p.delete('range');
  p.delete('from');
  p.delete('to');
  if (r.kind === 'relative') p.set('range', formatDuration(r.durationMs));
  else {
    p.set('from', String(Math.round(r.fromMs)));
    p.set('to', String(Math.round(r.toMs)));
  }
}

/** Short label for the picker button: "1h" or "12-03 10:00 → 12-03 11:00". */
export function describeRange(r: TimeRange): string {
  if (r.kind === 'relative') return `last ${formatDuration(r.durationMs)}`;
  const f = (ms: number): string => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
  return `${f(r.fromMs)} → ${f(r.toMs)} UTC`;
}
