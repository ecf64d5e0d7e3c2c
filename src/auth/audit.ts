import type { Clock } from '../common/index.js';
import type { StateDb } from '../state/index.js';

/** One audit record. `time` in ms. */
export interface AuditEntry {
  readonly id: number;
  readonly time: number;
  /** Who did it: a user name, `token:<name>`, `anonymous`, or `system` / `cli:<os user>`. */
  readonly actor: string;
  /** What, dotted: `login.ok`, `login.failed`, `logout`, `user.add`, `token.delete`, `silence.create`, `config.reload`... */
  readonly action: string;
  /** What it was done to (a user name, token id, silence id...); '' when none. */
  readonly target: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly remoteAddress: string | undefined;
}

/**
 * The function other modules are given to record what people do (silences, config reloads).
 * Never pass secrets in `detail`.
 */
export type AuditFn = (actor: string, action: string, target: string, detail?: Readonly<Record<string, unknown>>, remoteAddress?: string) => void;

interface Row {
  id: number;
  time: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  remote_address: string | null;
}

/** The audit_log table: append and read back, newest first. */
export class AuditLog {
  constructor(
    private readonly db: StateDb,
    private readonly clock: Clock,
  ) {}

  readonly record: AuditFn = (actor, action, target, detail = {}, remoteAddress) => {
    this.db
      .prepare('INSERT INTO audit_log (time, actor, action, target, detail, remote_address) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.clock.now(), actor, action, target, JSON.stringify(detail), remoteAddress ?? null);
  };

  /** Up to `limit` entries (1..1000) with id < `beforeId` (for paging), newest first. */
  list(limit = 100, beforeId?: number): AuditEntry[] {
    const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
    const rows = (beforeId === undefined
      ? this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(n)
      : this.db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?').all(beforeId, n)) as Row[];
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      remoteAddress: r.remote_address ?? undefined,
    }));
  }
}
