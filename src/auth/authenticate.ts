import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { sameHash, secretHash } from './password.js';
import type { SessionStore } from './sessions.js';
import type { TokenStore } from './tokens.js';
import type { Principal } from './types.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'vigie_session';

/** The session cookie's value, if any (needs @fastify/cookie registered: Auth.install does it). */
export function sessionSecretOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined || header === '') return undefined;
  try {
    return request.server.parseCookie(header)[SESSION_COOKIE];
  } catch {
    return undefined;
  }
}

/** What the credentials of a request turned out to be. */
export type Credentials =
  | { readonly kind: 'none'; readonly staleCookie: boolean }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'ok'; readonly principal: Principal; readonly sessionSecret?: string };

export interface Authenticator {
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  /** SHA-256 hex of VIGIE_API_TOKEN, when set: an admin token kept in memory only. */
  readonly envTokenHash: string | undefined;
}

function tokenPrincipal(a: Authenticator, token: string): Principal | undefined {
  if (a.envTokenHash !== undefined && sameHash(a.envTokenHash, secretHash(token))) {
    return { kind: 'token', name: 'token:VIGIE_API_TOKEN', role: 'admin', canWrite: true, via: 'bearer' };
  }
  const t = a.tokens.lookup(token);
  if (t === undefined) return undefined;
  return { kind: 'token', name: `token:${t.name}`, role: t.role === 'writer' ? undefined : t.role, canWrite: t.write, via: 'bearer', tokenId: t.id };
}

/** The token in `Authorization: Bearer <token>` or, for tools that only do basic auth, `Basic` with the token as password. */
function tokenOf(header: string): string | undefined {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (m === null) return undefined;
  const [, scheme = '', value = ''] = m;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * Reads the request's credentials: an Authorization header (wins when present; a bad one is
 * `invalid`, never silently anonymous), else the session cookie (an unknown or expired one is
 * like none, `staleCookie` set, so that a guest wall screen keeps working).
 */
export function readCredentials(a: Authenticator, request: FastifyRequest): Credentials {
  const header = request.headers.authorization;
  if (header !== undefined && header !== '') {
    const token = tokenOf(header);
    if (token === undefined) return { kind: 'invalid', reason: 'unsupported Authorization header: send "Authorization: Bearer <token>"' };
    const principal = tokenPrincipal(a, token);
    return principal === undefined ? { kind: 'invalid', reason: 'invalid or expired token' } : { kind: 'ok', principal };
  }
  const cookieHeader = request.headers.cookie;
  if (cookieHeader === undefined || cookieHeader === '') return { kind: 'none', staleCookie: false };
  const secret = sessionSecretOf(request);
  if (secret === undefined || secret === '') return { kind: 'none', staleCookie: false };
  const s = a.sessions.lookup(secret);
  if (s === undefined) return { kind: 'none', staleCookie: true };
  return { kind: 'ok', principal: { kind: 'user', name: s.user, role: s.role, canWrite: s.role === 'admin', via: 'session', sessionIdHash: s.idHash }, sessionSecret: secret };
}
