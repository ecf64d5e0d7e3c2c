/**
 * The `auth` owner's tables in the state database (vigie.db). Times are ms since the epoch.
 * Append-only: never edit a released step, add one.
 */
export const AUTH_MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
     password_hash TEXT NOT NULL,           -- scrypt$N$r$p$salt$hash (password.ts)
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,       -- sha-256 hex of the token; the token itself is never stored
     role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer', 'writer')),
     can_write INTEGER NOT NULL,
     expires_at INTEGER,                    -- NULL: never
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,              -- sha-256 hex of the cookie value
     user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     csrf_hash TEXT NOT NULL,
     remote_address TEXT
   );
   CREATE INDEX sessions_user ON sessions(user_name);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     time INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     detail TEXT NOT NULL,                  -- JSON object
     remote_address TEXT
   );
   CREATE INDEX audit_log_time ON audit_log(time);`,
];
