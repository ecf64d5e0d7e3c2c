import { VigieError } from '../common/index.js';

/**
 * Prometheus duration syntax: one or more `<integer><unit>` terms, units in decreasing
 * order, each at most once: `y` (365 days), `w`, `d`, `h`, `m`, `s`, `ms`. Examples:
 * `15d`, `1h30m`, `500ms`. The lone string `0` means zero. No signs, no fractions.
 */
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

const UNIT_MS: readonly number[] = [
  365 * 24 * 3600_000, // y
  7 * 24 * 3600_000, // w
  24 * 3600_000, // d
  3600_000, // h
  60_000, // m
  1000, // s
  1, // ms
];
const UNIT_NAMES = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** A duration string that does not follow the syntax or does not fit in a safe integer of ms. */
export class DurationError extends VigieError {
  override name = 'DurationError';
}

/**
 * Parses a Prometheus duration into whole milliseconds (a safe integer, >= 0).
 * Throws DurationError on bad syntax or on a value above Number.MAX_SAFE_INTEGER ms.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const m = text === '' ? null : DURATION_RE.exec(text);
  if (m === null) throw new DurationError(`not a valid duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const digits = m[i + 1];
    if (digits === undefined) continue;
    const n = Number(digits);
    total += n * (UNIT_MS[i] ?? 0);
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(total)) {
      throw new DurationError(`duration ${JSON.stringify(text)} is too large`);
    }
  }
  return total;
}

/** Formats milliseconds the way Prometheus does (`1h30m`, `15d`, `0s`); the inverse of parseDuration. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new DurationError(`cannot format ${ms} ms as a duration`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (let i = 0; i < UNIT_MS.length; i++) {
    const unit = UNIT_MS[i] ?? 1;
    const n = Math.floor(rest / unit);
    if (n > 0) {
      out += `${n}${UNIT_NAMES[i] ?? ''}`;
      rest -= n * unit;
    }
  }
  return out;
}
