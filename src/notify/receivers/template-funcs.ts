import type { Clock } from '../../common/index.js';
import { type FuncDef, FuncError, GoTime, SafeHtml } from '../../template/index.js';
import { goJson } from './gotime.js';

/**
 * The functions Alertmanager adds to its notification templates (on top of Go's builtins and
 * Prometheus' `toUpper`, `toLower`, `title`, `match`, `reReplaceAll`, `safeHtml`,
 * `humanizeDuration` … that src/template already has): `trimSpace`, `join`, `safeUrl`,
 * `stringSlice`, `date`, `tz`, `since`, `toJson`.
 */

/** A time in a named zone (what `tz` returns); `date` formats it in that zone. */
export class ZonedGoTime extends GoTime {
  constructor(
    ms: number,
    /** IANA name, e.g. `Europe/Paris`. */
    readonly zone: string,
  ) {
    super(ms);
  }
  override toString(): string {
    return goDate('2006-01-02 15:04:05.999999999 -0700 MST', this);
  }
}

function str(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof SafeHtml) return v.html;
  throw new FuncError(`wrong type for ${what}; expected string; got ${typeof v}`);
}

function time(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  throw new FuncError('wrong type for value; expected time.Time');
}

/** Offset (minutes east of UTC) and abbreviation of `zone` at `ms`. */
function zoneAt(zone: string, ms: number): { offsetMin: number; abbrev: string } {
  if (zone === 'UTC') return { offsetMin: 0, abbrev: 'UTC' };
  const part = (style: 'longOffset' | 'short'): string =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: style }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(part('longOffset'));
  const offsetMin = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const short = part('short');
  return { offsetMin, abbrev: /^[A-Z]{2,5}$/.test(short) ? short : formatOffset(offsetMin, '-0700') };
}

function formatOffset(min: number, style: '-0700' | '-07:00'): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  const hh = String(Math.floor(a / 60)).padStart(2, '0');
  const mm = String(a % 60).padStart(2, '0');
  return style === '-0700' ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Go layout elements, longest first so `January` wins over `Jan` and `2006` over `2`. */
const LAYOUT = /January|Monday|2006|Z07:00|-07:00|-0700|MST|Jan|Mon|\.0+|\.9+|01|02|_2|15|03|04|05|PM|pm|06|1|2|3|4|5/g;

/** Go's time.Format with a reference-time layout (`2006-01-02 15:04:05`), in the time's zone. */
export function goDate(layout: string, t: GoTime): string {
  const zone = t instanceof ZonedGoTime ? zoneAt(t.zone, t.ms) : { offsetMin: 0, abbrev: 'UTC' };
  const d = new Date(t.ms + zone.offsetMin * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const h = d.getUTCHours();
  const frac = String(d.getUTCMilliseconds()).padStart(3, '0');
  return layout.replace(LAYOUT, (el) => {
    if (el.startsWith('.0')) return '.' + (frac + '000000').slice(0, el.length - 1);
    if (el.startsWith('.9')) {
      const f = (frac + '000000').slice(0, el.length - 1).replace(/0+$/, '');
      return f === '' ? '' : '.' + f;
    }
    switch (el) {
      case 'January': return MONTHS[d.getUTCMonth()]!;
      case 'Jan': return MONTHS[d.getUTCMonth()]!.slice(0, 3);
      case 'Monday': return DAYS[d.getUTCDay()]!;
      case 'Mon': return DAYS[d.getUTCDay()]!.slice(0, 3);
      case '2006': return String(d.getUTCFullYear()).padStart(4, '0');
      case '06': return p2(d.getUTCFullYear() % 100);
      case '01': return p2(d.getUTCMonth() + 1);
      case '1': return String(d.getUTCMonth() + 1);
      case '02': return p2(d.getUTCDate());
      case '_2': return String(d.getUTCDate()).padStart(2, ' ');
      case '2': return String(d.getUTCDate());
      case '15': return p2(h);
      case '03': return p2(h % 12 === 0 ? 12 : h % 12);
      case '3': return String(h % 12 === 0 ? 12 : h % 12);
      case '04': return p2(d.getUTCMinutes());
      case '4': return String(d.getUTCMinutes());
      case '05': return p2(d.getUTCSeconds());
      case '5': return String(d.getUTCSeconds());
      case 'PM': return h < 12 ? 'AM' : 'PM';
      case 'pm': return h < 12 ? 'am' : 'pm';
      case 'MST': return zone.abbrev;
      case '-0700': return formatOffset(zone.offsetMin, '-0700');
      case '-07:00': return formatOffset(zone.offsetMin, '-07:00');
      case 'Z07:00': return zone.offsetMin === 0 ? 'Z' : formatOffset(zone.offsetMin, '-07:00');
      default: return el;
    }
  });
}

function def(minArgs: number, maxArgs: number, fn: FuncDef['fn']): FuncDef {
  return { minArgs, maxArgs, fn };
}

/** Alertmanager's extra template functions; `since` reads `clock` (ms). */
export function alertmanagerFuncs(clock: Clock): ReadonlyMap<string, FuncDef> {
  return new Map<string, FuncDef>([
    ['trimSpace', def(1, 1, (_c, [s]) => str(s, 'trimSpace argument').trim())],
    // Go: join(sep string, s []string) — `{{ .Names | join ", " }}`.
    [
      'join',
      def(2, 2, (_c, [sep, list]) => {
        if (!Array.isArray(list)) throw new FuncError('wrong type for value; expected []string');
        return list.map((e) => str(e, 'join element')).join(str(sep, 'join separator'));
      }),
    ],
    // Text mode does not filter URLs; html mode writes it as it is.
    ['safeUrl', def(1, 1, (c, [s]) => (c.html ? new SafeHtml(str(s, 'safeUrl argument')) : str(s, 'safeUrl argument')))],
    ['stringSlice', def(0, Infinity, (_c, args) => args.map((a) => str(a, 'stringSlice argument')))],
    ['date', def(2, 2, (_c, [layout, t]) => goDate(str(layout, 'date layout'), time(t)))],
    [
      'tz',
      def(2, 2, (_c, [name, t]) => {
        const zone = str(name, 'tz name');
        const z = zone === '' || zone === 'UTC' ? 'UTC' : zone === 'Local' ? Intl.DateTimeFormat().resolvedOptions().timeZone : zone;
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: z });
        } catch {
          throw new FuncError(`unknown time zone ${zone}`);
        }
        return new ZonedGoTime(time(t).ms, z);
      }),
    ],
    /** Seconds (float) since the time: feed it to `humanizeDuration`. */
    ['since', def(1, 1, (_c, [t]) => (clock.now() - time(t).ms) / 1000)],
    ['toJson', def(1, 1, (_c, [v]) => goJson(toJsonValue(v)))],
  ]);
}

/** Template values as JSON: Maps as objects, times as RFC 3339, bigints as numbers. */
function toJsonValue(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, e]) => [String(k), toJsonValue(e)]));
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoTime) return new Date(v.ms).toISOString();
  if (v instanceof SafeHtml) return v.html;
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, toJsonValue(e)]));
  return v;
}
