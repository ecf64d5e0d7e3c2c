/**
 * The two unit syntaxes of blackbox.yml:
 * - durations are Go durations (`5s`, `1.5s`, `1h30m`, `300ms`, `2us`), parsed to ms, which
 *   differ from Prometheus' own (no `d`, `w`, `y`; fractions and `us` allowed);
 * - `body_size_limit` is a base-2 size as github.com/alecthomas/units reads it
 *   (`1MB` = `1MiB` = 1048576 bytes), parsed to bytes, as in the rest of the config.
 */

const GO_UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const GO_TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go duration (no sign) into ms, rounded to a whole ms; undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  GO_TERM.lastIndex = 0;
  let total = 0;
  while (GO_TERM.lastIndex < text.length) {
    const m = GO_TERM.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (GO_UNIT_MS[m[2]!] ?? 0);
  }
  if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) return undefined;
  return Math.round(total);
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 2 ** 10, KIB: 2 ** 10,
  MB: 2 ** 20, MIB: 2 ** 20,
  GB: 2 ** 30, GIB: 2 ** 30,
  TB: 2 ** 40, TIB: 2 ** 40,
  PB: 2 ** 50, PIB: 2 ** 50,
  EB: 2 ** 60, EIB: 2 ** 60,
};

/** Parses a base-2 byte size (`1MB`, `512KiB`, `10B`, or a plain whole number); undefined when it is not one. */
export function parseBase2Bytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (m === null) return undefined;
  const unit = m[2] === '' ? 1 : SIZE_UNITS[m[2]!.toUpperCase()];
  if (unit === undefined) return undefined;
  const n = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : undefined;
}
