import type { IntRange, TimeIntervalConfig, TimePeriod } from '../config/index.js';

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly minute: number;
  readonly daysInMonth: number;
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Calendar fields of `t` (ms) in time zone `location` ('UTC', 'Local' or an IANA name). */
function localParts(t: number, location: string): LocalParts {
  const opts: Intl.DateTimeFormatOptions = { hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' };
  if (location !== 'Local') opts.timeZone = location;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', opts).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  const year = Number(parts['year']);
  const month = Number(parts['month']);
  return {
    year,
    month,
    day: Number(parts['day']),
    weekday: WEEKDAY_INDEX[parts['weekday'] ?? ''] ?? 0,
    minute: Number(parts['hour']) * 60 + Number(parts['minute']),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const inRanges = (v: number, rs: readonly IntRange[]): boolean => rs.some((r) => v >= r.start && v <= r.end);

/** True when `t` (ms) is inside the period (every given field matches; ranges inclusive, times [start, end)). */
export function periodContains(p: TimePeriod, t: number): boolean {
  const l = localParts(t, p.location);
  if (p.times !== undefined && p.times.length > 0 && !p.times.some((r) => l.minute >= r.startMinute && l.minute < r.endMinute)) return false;
  if (p.weekdays !== undefined && p.weekdays.length > 0 && !inRanges(l.weekday, p.weekdays)) return false;
  if (p.months !== undefined && p.months.length > 0 && !inRanges(l.month, p.months)) return false;
  if (p.years !== undefined && p.years.length > 0 && !inRanges(l.year, p.years)) return false;
  if (p.days_of_month !== undefined && p.days_of_month.length > 0) {
    const ok = p.days_of_month.some((r) => {
      const start = r.start < 0 ? l.daysInMonth + r.start + 1 : r.start;
      const end = r.end < 0 ? l.daysInMonth + r.end + 1 : r.end;
      return l.day >= start && l.day <= Math.min(end, l.daysInMonth);
    });
    if (!ok) return false;
  }
  return true;
}

/** True when `t` falls in any period of any of the named intervals (unknown names are ignored: config validation rejects them). */
export function inTimeIntervals(names: readonly string[], intervals: ReadonlyMap<string, TimeIntervalConfig>, t: number): boolean {
  for (const n of names) {
    const ti = intervals.get(n);
    if (ti !== undefined && ti.time_intervals.some((p) => periodContains(p, t))) return true;
  }
  return false;
}
