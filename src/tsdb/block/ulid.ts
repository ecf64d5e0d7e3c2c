import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID (26 chars, Crockford base32): 48-bit millisecond time then 80 random bits.
 * Block directories are named by ULID so that names sort by creation time.
 */
export function newUlid(nowMs: number): string {
  let out = '';
  let t = Math.floor(nowMs);
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(16);
  for (let i = 0; i < 16; i++) out += ALPHABET[rnd[i]! % 32]!;
  return out;
}

export function isUlid(s: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s);
}
