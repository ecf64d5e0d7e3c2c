import { type ScryptOptions, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AuthError } from './errors.js';

/** scrypt cost parameters, stored with each hash so that they can be raised later. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** What new hashes use: N=2^15, r=8, p=1 (32 MiB, ~50-100 ms per hash on a small server). */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const PREFIX = 'scrypt';

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; allow twice that.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Hashes a password with scrypt and a fresh 16-byte salt. The result is self-describing text:
 * `scrypt$N$r$p$<salt base64url>$<hash base64url>`; never the password itself.
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return [PREFIX, params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash {
  const parts = stored.split('$');
  const [prefix, n, r, p, salt, key] = parts;
  const num = (s: string | undefined): number => (s !== undefined && /^\d{1,10}$/.test(s) ? Number(s) : NaN);
  const params = { N: num(n), r: num(r), p: num(p) };
  if (parts.length !== 6 || prefix !== PREFIX || !Number.isSafeInteger(params.N) || !Number.isSafeInteger(params.r) || !Number.isSafeInteger(params.p) || salt === undefined || key === undefined) {
    throw new AuthError('stored password hash is not in the scrypt$N$r$p$salt$hash form');
  }
  return { params, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}

/** True when `password` matches `stored` (from hashPassword). Constant-time comparison of the keys. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  const key = await derive(password, h.salt, h.params);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/**
 * Spends the time a verification of a real user's password would take, so that an unknown user
 * name cannot be told from a wrong password by timing.
 */
export async function spendVerificationTime(params: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
  await derive('x', Buffer.alloc(SALT_BYTES), params);
}

/** A random password for people to type: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** A new API token: `vigie_` + 32 random bytes in base64url. Shown once; only its hash is kept. */
export function generateToken(): string {
  return `vigie_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 (hex) of a high-entropy secret (token, session id); fine for lookups since they cannot be guessed. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two hex hashes of the same length. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Refuses passwords people should not use: empty, too short, too long (scrypt input). */
export function checkPasswordRules(password: string): void {
  if (password.length < 8) throw new AuthError('a password needs at least 8 characters');
  if (password.length > 1024) throw new AuthError('a password must be at most 1024 characters');
}
