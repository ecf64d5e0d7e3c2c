import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { AUTH_MIGRATIONS, AuditLog, AuthError, UserStore, generatePassword } from '../auth/index.js';
import { systemClock } from '../common/index.js';
import { migrate, openStateDb } from '../state/index.js';
import type { UserFlags } from './args.js';

export interface UserCommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of stdin (only read with --password-stdin). */
  readonly readStdin: () => Promise<string>;
}

function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * `vigie user add|passwd|del|list`: edits the users of `<data-dir>/vigie.db` (the same file the
 * server uses; SQLite lets both work at once). Exit 0 on success, 1 when refused (unknown user,
 * duplicate, last admin, bad password) with the reason on stderr. Changes are audited.
 */
export async function runUserCommand(flags: UserFlags, io: UserCommandIO): Promise<number> {
  if (flags.action !== 'list') mkdirSync(flags.dataDir, { recursive: true });
  let db;
  try {
    db = openStateDb(join(flags.dataDir, 'vigie.db'));
  } catch (err) {
    io.stderr(`vigie user: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    migrate(db, 'auth', AUTH_MIGRATIONS);
    const users = new UserStore(db, systemClock);
    const audit = new AuditLog(db, systemClock).record;
    const actor = cliActor();
    const newPassword = async (): Promise<{ password: string; generated: boolean }> => {
      if (!flags.passwordStdin) return { password: generatePassword(), generated: true };
      const line = (await io.readStdin()).split(/\r?\n/, 1)[0] ?? '';
      return { password: line, generated: false };
    };
    switch (flags.action) {
      case 'list': {
        const rows = users.list().map((u) => [u.name, u.role, u.disabled ? 'disabled' : 'enabled', new Date(u.createdAt).toISOString()]);
        const all = [['NAME', 'ROLE', 'STATUS', 'CREATED'], ...rows];
        const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
        for (const r of all) io.stdout(`${r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')}\n`);
        return 0;
      }
      case 'add': {
        const { password, generated } = await newPassword();
        const u = await users.add(flags.name, flags.role, password);
        audit(actor, 'user.add', u.name, { role: u.role });
        io.stdout(`added user ${u.name} (${u.role})\n${generated ? `password: ${password}\n` : ''}`);
        return 0;
      }
      case 'passwd': {
        const { password, generated } = await newPassword();
        await users.setPassword(flags.name, password);
        audit(actor, 'user.update', flags.name, { passwordChanged: true });
        io.stdout(`password of ${flags.name} changed; their sessions are closed\n${generated ? `password: ${password}\n` : ''}`);
        return 0;
      }
      case 'del':
        users.delete(flags.name);
        audit(actor, 'user.delete', flags.name);
        io.stdout(`deleted user ${flags.name}\n`);
        return 0;
    }
  } catch (err) {
    if (err instanceof AuthError) {
      io.stderr(`vigie user ${flags.action}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    db.close();
  }
}
