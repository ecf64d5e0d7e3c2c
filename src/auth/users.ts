import type { Clock } from '../common/index.js';
import type { StateDb } from '../state/index.js';
import { AuthConflictError, AuthError, AuthNotFoundError } from './errors.js';
import { DEFAULT_SCRYPT, type ScryptParams, checkPasswordRules, hashPassword, spendVerificationTime, verifyPassword } from './password.js';
import { type Role, isRole } from './types.js';

/** A user as shown by the API and the CLI (never the hash). Times in ms. */
export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

interface Row {
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  updated_at: number;
  disabled: number;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Throws AuthError unless `name` is 1-64 characters of letters, digits, `._@-`, not starting with a symbol. */
export function checkUserName(name: string): void {
  if (!NAME_RE.test(name)) throw new AuthError(`invalid user name ${JSON.stringify(name.slice(0, 80))}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`);
}

function info(r: Row): UserInfo {
  return { name: r.name, role: isRole(r.role) ? r.role : 'viewer', disabled: r.disabled !== 0, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The users table. Passwords are hashed with scrypt (password.ts); the plaintext is never stored. */
export class UserStore {
  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
    private readonly scrypt: ScryptParams = DEFAULT_SCRYPT,
  ) {}

  private row(name: string): Row | undefined {
    return this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined;
  }

  get(name: string): UserInfo | undefined {
    const r = this.row(name);
    return r === undefined ? undefined : info(r);
  }

  list(): UserInfo[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as Row[]).map(info);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  /** Creates a user; throws AuthConflictError when the name is taken, AuthError on a bad name or password. */
  async add(name: string, role: Role, password: string): Promise<UserInfo> {
    checkUserName(name);
    checkPasswordRules(password);
    if (this.row(name) !== undefined) throw new AuthConflictError(`user ${JSON.stringify(name)} already exists`);
    const hash = await hashPassword(password, this.scrypt);
    const now = this.clock.now();
    try {
      this.db.prepare('INSERT INTO users (name, role, password_hash, created_at, updated_at, disabled) VALUES (?, ?, ?, ?, ?, 0)').run(name, role, hash, now, now);
    } catch (err) {
      throw new AuthConflictError(`user ${JSON.stringify(name)} already exists`, { cause: err });
    }
    return info(this.row(name) as Row);
  }

  /** Sets a new password and ends the user's sessions. */
  async setPassword(name: string, password: string): Promise<void> {
    checkPasswordRules(password);
    if (this.row(name) === undefined) throw new AuthNotFoundError(`no user ${JSON.stringify(name)}`);
    const hash = await hashPassword(password, this.scrypt);
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE name = ?').run(hash, this.clock.now(), name);
      this.db.prepare('DELETE FROM sessions WHERE user_name = ?').run(name);
    })();
  }

  /**
   * Changes the role and/or the disabled flag. Refuses to leave no enabled admin. Disabling ends
   * the user's sessions.
   */
  update(name: string, change: { readonly role?: Role; readonly disabled?: boolean }): UserInfo {
    this.db.transaction(() => {
      const r = this.row(name);
      if (r === undefined) throw new AuthNotFoundError(`no user ${JSON.stringify(name)}`);
      const role = change.role ?? (r.role as Role);
      const disabled = change.disabled ?? r.disabled !== 0;
      if (r.role === 'admin' && r.disabled === 0 && (role !== 'admin' || disabled)) this.assertAnotherAdmin(name);
      this.db.prepare('UPDATE users SET role = ?, disabled = ?, updated_at = ? WHERE name = ?').run(role, disabled ? 1 : 0, this.clock.now(), name);
      if (disabled) this.db.prepare('DELETE FROM sessions WHERE user_name = ?').run(name);
    })();
    return info(this.row(name) as Row);
  }

  /** Deletes a user and their sessions; refuses to delete the last enabled admin. */
  delete(name: string): void {
    this.db.transaction(() => {
      const r = this.row(name);
      if (r === undefined) throw new AuthNotFoundError(`no user ${JSON.stringify(name)}`);
      if (r.role === 'admin' && r.disabled === 0) this.assertAnotherAdmin(name);
      this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
    })();
  }

  private assertAnotherAdmin(name: string): void {
    const n = (this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND name <> ?").get(name) as { n: number }).n;
    if (n === 0) throw new AuthConflictError(`${JSON.stringify(name)} is the last admin: add another admin first`);
  }

  /**
   * The user when `password` is theirs and they are enabled; undefined otherwise. Takes about
   * the same time whether or not the user exists.
   */
  async verify(name: string, password: string): Promise<UserInfo | undefined> {
    const r = NAME_RE.test(name) ? this.row(name) : undefined;
    if (r === undefined) {
      await spendVerificationTime(this.scrypt);
      return undefined;
    }
    let ok: boolean;
    try {
      ok = await verifyPassword(password, r.password_hash);
    } catch {
      ok = false;
    }
    return ok && r.disabled === 0 ? info(r) : undefined;
  }
}
