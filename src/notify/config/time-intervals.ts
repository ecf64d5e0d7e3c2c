import { z } from 'zod';

/**
 * Alertmanager's `time_intervals` (and legacy `mute_time_intervals`): named lists of
 * periods; an instant is inside the named interval when any of its periods contains it.
 * Ranges are inclusive; an absent field means "any".
 */

/** Inclusive range of integers. */
export interface IntRange {
  readonly start: number;
  readonly end: number;
}

/** Minutes since midnight, [startMinute, endMinute) in the period's location. */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface TimePeriod {
  readonly times?: readonly TimeRange[];
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekdays?: readonly IntRange[];
  /** 1..31 or negative from the month's end (-1 = last day). */
  readonly days_of_month?: readonly IntRange[];
  /** 1..12. */
  readonly months?: readonly IntRange[];
  readonly years?: readonly IntRange[];
  /** IANA time zone name; 'UTC' when absent. 'Local' = the process' zone. */
  readonly location: string;
}

export interface TimeIntervalConfig {
  readonly name: string;
  readonly time_intervals: readonly TimePeriod[];
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function rangeList(what: string, parseOne: (s: string) => number | undefined, check: (r: IntRange) => string | undefined) {
  return z.array(z.union([z.string(), z.number()])).transform((items, ctx): IntRange[] => {
    const out: IntRange[] = [];
    for (const [i, raw] of items.entries()) {
      const text = String(raw).trim().toLowerCase();
      const parts = text.split(':');
      const a = parts.length <= 2 ? parseOne(parts[0] ?? '') : undefined;
      const b = parts.length === 2 ? parseOne(parts[1] ?? '') : a;
      if (a === undefined || b === undefined) {
        ctx.addIssue({ code: 'custom', path: [i], message: `invalid ${what} ${JSON.stringify(String(raw))}` });
        continue;
      }
      const r = { start: a, end: b };
      const problem = check(r);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${JSON.stringify(String(raw))}: ${problem}` });
      else out.push(r);
    }
    return out;
  });
}

const int = (s: string): number | undefined => (/^-?\d+$/.test(s) ? Number(s) : undefined);
const nameOrInt = (names: readonly string[], base: number) => (s: string) => {
  const i = names.indexOf(s);
  return i >= 0 ? i + base : int(s);
};

const weekdays = rangeList('weekday', (s) => {
  const i = WEEKDAYS.indexOf(s);
  return i >= 0 ? i : undefined;
}, (r) => (r.start > r.end ? 'start day cannot be after end day' : undefined));

const daysOfMonth = rangeList('day of month', int, (r) => {
  if (r.start === 0 || r.end === 0 || Math.abs(r.start) > 31 || Math.abs(r.end) > 31) return 'days must be within -31..-1 or 1..31';
  if (Math.sign(r.start) === Math.sign(r.end) && r.start > r.end) return 'start day must be before end day';
  if (r.start < 0 && r.end > 0) return 'a range cannot start from the end of the month and end at its start';
  return undefined;
});

const months = rangeList('month', nameOrInt(MONTHS, 1), (r) => {
  if (r.start < 1 || r.end > 12) return 'months must be within 1..12';
  return r.start > r.end ? 'start month must be before end month' : undefined;
});

const years = rangeList('year', int, (r) => (r.start <= 0 || r.start > r.end ? 'years must be positive and start must not be after end' : undefined));

function clock(s: string): number | undefined {
  const m = /^(\d\d):(\d\d)$/.exec(s);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

const timeRange = z.strictObject({ start_time: z.string(), end_time: z.string() }).transform((t, ctx): TimeRange => {
  const s = clock(t.start_time);
  const e = clock(t.end_time);
  if (s === undefined) ctx.addIssue({ code: 'custom', path: ['start_time'], message: `invalid time ${JSON.stringify(t.start_time)}: expected HH:MM within 00:00..24:00` });
  if (e === undefined) ctx.addIssue({ code: 'custom', path: ['end_time'], message: `invalid time ${JSON.stringify(t.end_time)}: expected HH:MM within 00:00..24:00` });
  if (s !== undefined && e !== undefined && s >= e) ctx.addIssue({ code: 'custom', message: 'start_time cannot be equal or greater than end_time' });
  return { startMinute: s ?? 0, endMinute: e ?? 0 };
});

const location = z.string().superRefine((loc, ctx) => {
  if (loc === 'Local' || loc === 'UTC') return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: loc });
  } catch {
    ctx.addIssue({ code: 'custom', message: `unknown time zone location ${JSON.stringify(loc)}` });
  }
});

const timePeriodSchema = z
  .strictObject({
    times: z.array(timeRange).optional(),
    weekdays: weekdays.optional(),
    days_of_month: daysOfMonth.optional(),
    months: months.optional(),
    years: years.optional(),
    location: location.default('UTC'),
  })
  .transform((p): TimePeriod => {
    const out: { -readonly [K in keyof TimePeriod]: TimePeriod[K] } = { location: p.location };
    if (p.times !== undefined) out.times = p.times;
    if (p.weekdays !== undefined) out.weekdays = p.weekdays;
    if (p.days_of_month !== undefined) out.days_of_month = p.days_of_month;
    if (p.months !== undefined) out.months = p.months;
    if (p.years !== undefined) out.years = p.years;
    return out;
  });

export const timeIntervalSchema = z.strictObject({
  name: z.string().min(1, 'missing name in time interval'),
  time_intervals: z.array(timePeriodSchema).default([]),
});
