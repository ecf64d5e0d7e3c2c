import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../common/index.js';
import type { StateDb } from '../state/index.js';
import { sameHash, secretHash } from './password.js';
import { type Role, isRole } from './types.js';

/** A live session, read with its user. Times in ms. */
export interface SessionInfo {
  readonly idHash: string;
  readonly user: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * The CSRF token of a session: an HMAC of the session secret (the cookie value), so that it can
 * be given again (GET /api/v1/me) without storing it; its SHA-256 is stored for the check.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('vigie-csrf').digest('base64url');
}

/** The sessions table: the cookie holds a random secret; only its SHA-256 is stored. */
export class SessionStore {
  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
  ) {}

  /** Opens a session for `user` lasting `ttlMs`; returns the cookie value and the CSRF token. Drops expired sessions. */
  create(user: string, ttlMs: number, remoteAddress: string | undefined): { readonly secret: string; readonly csrfToken: string; readonly expiresAt: number } {
    const now = this.clock.now();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now);
    const secret = randomBytes(32).toString('base64url');
    const csrfToken = csrfTokenFor(secret);
    const expiresAt = now + ttlMs;
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_name, created_at, expires_at, csrf_hash, remote_address) VALUES (?, ?, ?, ?, ?, ?)')
      .run(secretHash(secret), user, now, expiresAt, secretHash(csrfToken), remoteAddress ?? null);
    return { secret, csrfToken, expiresAt };
  }

  /** The session of cookie value `secret` when it is unexpired and its user exists and is enabled. */
  lookup(secret: string): SessionInfo | undefined {
    if (secret.length === 0 || secret.length > 200) return undefined;
    const r = this.db
      .prepare('SELECT s.id_hash, s.user_name, s.created_at, s.expires_at, u.role FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = ? AND u.disabled = 0')
      .get(secretHash(secret)) as { id_hash: string; user_name: string; created_at: number; expires_at: number; role: string } | undefined;
    if (r === undefined || r.expires_at <= this.clock.now() || !isRole(r.role)) return undefined;
    return { idHash: r.id_hash, user: r.user_name, role: r.role, createdAt: r.created_at, expiresAt: r.expires_at };
  }

  /** True when `csrfToken` is the one of the session `idHash`. Constant-time. */
  checkCsrf(idHash: string, csrfToken: string): boolean {
    const r = this.db.prepare('SELECT csrf_hash FROM sessions WHERE id_hash = ?').get(idHash) as { csrf_hash: string } | undefined;
    return r !== undefined && csrfToken.length > 0 && csrfToken.length <= 200 && sameHash(r.csrf_hash, secretHash(csrfToken));
  }

  delete(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }
}
