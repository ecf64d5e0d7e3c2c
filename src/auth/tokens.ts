import { randomBytes } from 'node:crypto';
import type { Clock } from '../common/index.js';
import type { StateDb } from '../state/index.js';
import { AuthError, AuthNotFoundError } from './errors.js';
import { generateToken, secretHash } from './password.js';
import { type TokenRole, isTokenRole } from './types.js';

/** An API token as listed (never its value nor its hash). Times in ms. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  /** May ingest (remote write, alert push): always for admin and writer tokens. */
  readonly write: boolean;
  /** undefined: never expires. */
  readonly expiresAt: number | undefined;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | undefined;
}

export interface NewToken {
  readonly name: string;
  readonly role: TokenRole;
  /** Ingest rights for a viewer or editor token (admin and writer tokens always have them). */
  readonly write?: boolean;
  /** Absolute expiry in ms; undefined: never. */
  readonly expiresAt?: number;
  readonly createdBy: string;
}

interface Row {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  can_write: number;
  expires_at: number | null;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
}

/** last_used_at is written at most this often per token (ms), so that remote write does not write SQLite per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function info(r: Row): TokenInfo {
  return {
    id: r.id,
    name: r.name,
    role: isTokenRole(r.role) ? r.role : 'viewer',
    write: r.can_write !== 0,
    expiresAt: r.expires_at ?? undefined,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at ?? undefined,
  };
}

/** The api_tokens table. Tokens are `vigie_...` secrets; only their SHA-256 is stored. */
export class TokenStore {
  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
  ) {}

  /** Creates a token and returns its value (shown once) with its record. */
  create(t: NewToken): { readonly token: string; readonly info: TokenInfo } {
    const name = t.name.trim();
    if (name === '' || name.length > 100) throw new AuthError('a token needs a name of 1-100 characters');
    if (!isTokenRole(t.role)) throw new AuthError(`invalid token role ${JSON.stringify(t.role)}: expected viewer, editor, admin or writer`);
    const now = this.clock.now();
    if (t.expiresAt !== undefined && !(Number.isSafeInteger(t.expiresAt) && t.expiresAt > now)) throw new AuthError('a token expiry must be in the future');
    const token = generateToken();
    const id = randomBytes(8).toString('hex');
    const write = t.role === 'admin' || t.role === 'writer' || t.write === true;
    this.db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, role, can_write, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, name, secretHash(token), t.role, write ? 1 : 0, t.expiresAt ?? null, t.createdBy, now);
    return { token, info: info(this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row) };
  }

  list(): TokenInfo[] {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at, id').all() as Row[]).map(info);
  }

  delete(id: string): TokenInfo {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
    if (r === undefined) throw new AuthNotFoundError(`no token with id ${JSON.stringify(id.slice(0, 40))}`);
    this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id);
    return info(r);
  }

  /** The token's record when `token` is a stored, unexpired token; notes its use. */
  lookup(token: string): TokenInfo | undefined {
    if (!token.startsWith('vigie_') || token.length > 200) return undefined;
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?').get(secretHash(token)) as Row | undefined;
    if (r === undefined) return undefined;
    const now = this.clock.now();
    if (r.expires_at !== null && r.expires_at <= now) return undefined;
    if (r.last_used_at === null || now - r.last_used_at >= LAST_USED_RESOLUTION_MS) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, r.id);
    }
    return info(r);
  }
}
