// Users, API tokens and the audit log (admin only): src/auth/admin-routes.ts on the server.
// Answers are plain JSON (no Prometheus envelope); times are ms since the epoch.
import { type ApiSession, type Role, apiFetch, apiPost } from './api';

export type TokenRole = Role | 'writer';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];
export const TOKEN_ROLES: readonly TokenRole[] = ['viewer', 'editor', 'admin', 'writer'];

export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  readonly write: boolean;
  /** Absent: never expires. */
  readonly expiresAt?: number | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt?: number | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly remoteAddress?: string;
}

const userPath = (name: string): string => `/api/v1/users/${encodeURIComponent(name)}`;

export async function listUsers(session: ApiSession, signal?: AbortSignal): Promise<UserInfo[]> {
  return (await apiFetch<{ users: UserInfo[] }>(session, '/api/v1/users', {}, signal)).users;
}

/** Creates a user; without `password` the server generates one and answers it (shown once). */
export function addUser(session: ApiSession, req: { name: string; role: Role; password?: string }): Promise<{ user: UserInfo; password?: string }> {
  return apiPost(session, '/api/v1/users', req);
}

export async function updateUser(session: ApiSession, name: string, change: { role?: Role; password?: string; disabled?: boolean }): Promise<UserInfo> {
  const a = await apiFetch<{ user: UserInfo }>(session, userPath(name), { method: 'PUT', body: JSON.stringify(change), headers: { 'Content-Type': 'application/json' } });
  return a.user;
}

export async function deleteUser(session: ApiSession, name: string): Promise<void> {
  await apiFetch<unknown>(session, userPath(name), { method: 'DELETE' });
}

export async function listTokens(session: ApiSession, signal?: AbortSignal): Promise<TokenInfo[]> {
  return (await apiFetch<{ tokens: TokenInfo[] }>(session, '/api/v1/tokens', {}, signal)).tokens;
}

/** What the token form holds; `expiresIn` a duration such as 30d, '' for never. */
export interface TokenForm {
  readonly name: string;
  readonly role: TokenRole;
  readonly write: boolean;
  readonly expiresIn: string;
}

/** Checks the form; the message to show, or undefined when it can be sent. */
export function tokenFormError(f: TokenForm): string | undefined {
  if (f.name.trim() === '') return 'Give the token a name (what uses it).';
  if (f.expiresIn !== '' && !/^(\d+(ms|s|m|h|d|w|y))+$/.test(f.expiresIn)) return 'Expiry: a duration such as 30d, 12h or 1y, or never.';
  return undefined;
}

/** The POST body of a token form (writer and admin tokens always write). */
export function tokenRequest(f: TokenForm): Record<string, unknown> {
  return {
    name: f.name.trim(),
    role: f.role,
    ...(f.role === 'viewer' || f.role === 'editor' ? { write: f.write } : {}),
    ...(f.expiresIn !== '' ? { expiresIn: f.expiresIn } : {}),
  };
}

/** Creates a token; `token` is the secret, shown only in this answer. */
export function createToken(session: ApiSession, f: TokenForm): Promise<TokenInfo & { token: string }> {
  return apiPost(session, '/api/v1/tokens', tokenRequest(f));
}

export async function revokeToken(session: ApiSession, id: string): Promise<void> {
  await apiFetch<unknown>(session, `/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** One page of the audit log, newest first: `limit` entries with id < `before`. */
export async function fetchAudit(session: ApiSession, limit: number, before?: number, signal?: AbortSignal): Promise<AuditEntry[]> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return (await apiFetch<{ entries: AuditEntry[] }>(session, `/api/v1/audit?${q.toString()}`, {}, signal)).entries;
}

/** The `before` of the next (older) page, or undefined when `page` was the last one. */
export function nextAuditBefore(page: readonly AuditEntry[], limit: number): number | undefined {
  return page.length < limit ? undefined : page.at(-1)?.id;
}

/** Name rule of the server: 1-64 letters, digits, '.', '_', '@', '-', starting with a letter or digit. */
export function userFormError(name: string, password: string | undefined): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(name)) return "User name: 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit.";
  if (password !== undefined && password.length < 8) return 'A password needs at least 8 characters.';
  return undefined;
}

/** The newest successful login of each user found in `entries` (ms). */
export function lastLogins(entries: readonly AuditEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries) {
    if (e.action === 'login.ok' && (out.get(e.actor) ?? -Infinity) < e.time) out.set(e.actor, e.time);
  }
  return out;
}

/** A time for tables: local date and time to the minute; '—' when absent. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A token's expiry for people: 'never', 'expired', or the date. */
export function formatExpiry(expiresAt: number | null | undefined, now: number): string {
  if (expiresAt === undefined || expiresAt === null) return 'never';
  return expiresAt <= now ? `expired ${formatTime(expiresAt)}` : formatTime(expiresAt);
}

/** An audit entry's detail as `k=v` pairs. */
export function formatDetail(detail: Readonly<Record<string, unknown>>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** A random password (20 url-safe characters) for a reset; `random` fills bytes (crypto.getRandomValues in the browser). */
export function randomPassword(random: (b: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return [...random(new Uint8Array(20))].map((n) => alphabet[n % 64]).join('');
}
