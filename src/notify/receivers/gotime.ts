/**
 * Times as Go's encoding/json writes a time.Time in UTC (what Alertmanager's webhook payload
 * carries): RFC 3339, fractional seconds with trailing zeros dropped, and the zero time for 0.
 */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** `ms` since the epoch as Go's RFC3339Nano in UTC; 0 gives `0001-01-01T00:00:00Z`. */
export function formatGoTime(ms: number): string {
  if (ms === 0 || !Number.isFinite(ms)) return GO_ZERO_TIME;
  const iso = new Date(ms).toISOString(); // 2026-05-01T09:40:00.120Z
  return iso.replace(/\.(\d+)Z$/, (_m, frac: string) => {
    const f = frac.replace(/0+$/, '');
    return f === '' ? 'Z' : `.${f}Z`;
  });
}

/**
 * JSON as Go's encoder writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped inside strings
 * (they can only occur inside strings in JSON text, so a global replace is exact).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go's regexp.QuoteMeta: a backslash before each of `\.+*?()|[]{}^$`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
