import { VigieError } from '../common/index.js';

/**
 * Byte sizes as Prometheus reads them (github.com/alecthomas/units' Base2Bytes, used for
 * `body_size_limit` and the retention size): `<number><unit>`, every unit a power of 1024
 * whether spelled `KB` or `KiB` (`1MB` = `1MiB` = 1048576), so that a value copied from a
 * Prometheus or blackbox config means the same here. Units are case-insensitive apart from
 * the `i`; a fraction is allowed (`1.5GB`) and rounded down to whole bytes. A bare integer
 * means bytes; `0` means zero.
 */
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([kmgtp]i?b|b)?$/i;

const MULTIPLIERS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 2 ** 10,
  mb: 2 ** 20,
  gb: 2 ** 30,
  tb: 2 ** 40,
  pb: 2 ** 50,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  pib: 2 ** 50,
};

/** A size string that does not follow the syntax or does not fit in a safe integer of bytes. */
export class ByteSizeError extends VigieError {
  override name = 'ByteSizeError';
}

/** Parses a byte size into whole bytes (a safe integer, >= 0). Throws ByteSizeError. */
export function parseByteSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  const num = m?.[1];
  if (m === null || num === undefined) throw new ByteSizeError(`not a valid byte size: ${JSON.stringify(text)}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = MULTIPLIERS[unit];
  if (mult === undefined) throw new ByteSizeError(`unknown size unit in ${JSON.stringify(text)}`);
  const bytes = Math.floor(Number(num) * mult);
  if (!Number.isSafeInteger(bytes)) throw new ByteSizeError(`byte size ${JSON.stringify(text)} is too large`);
  return bytes;
}

/** Formats bytes with the largest binary unit that divides it exactly (`64MiB`, `1500B`). */
export function formatByteSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new ByteSizeError(`cannot format ${bytes} as a byte size`);
  if (bytes === 0) return '0B';
  for (const [unit, mult] of [['PiB', 2 ** 50], ['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (bytes % mult === 0) return `${bytes / mult}${unit}`;
  }
  return `${bytes}B`;
}
