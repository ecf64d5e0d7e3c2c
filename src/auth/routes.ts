import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, sessionSecretOf } from './authenticate.js';
import { sendError, sendUnauthorized } from './respond.js';
import { csrfTokenFor } from './sessions.js';
import type { Auth } from './service.js';

/** Sets (or, with maxAge 0, clears) the session cookie: httpOnly, SameSite=Strict, Secure over TLS, Path=/. */
function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', maxAge: maxAgeSeconds });
}

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const v = (body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `POST /api/v1/login` (JSON {username, password}) → sets the session cookie, answers
 * {user, role, csrfToken, expiresAt}; 401 on a wrong password, 429 + Retry-After once throttled.
 * `POST /api/v1/logout` ends the session (needs the CSRF token when the cookie is used).
 * `GET /api/v1/me` → {user, role, kind, csrfToken (sessions only)}.
 */
export function registerAuthRoutes(app: FastifyInstance, auth: Auth): void {
  app.post('/api/v1/login', async (request: FastifyRequest, reply: FastifyReply) => {
    const username = field(request.body, 'username');
    const password = field(request.body, 'password');
    if (username === undefined || password === undefined || username.length > 200 || password.length > 1024) {
      return sendError(request, reply, 400, 'bad_data', 'expected a JSON body {"username": "...", "password": "..."}');
    }
    const keys = [`addr:${request.ip}`, `user:${username.toLowerCase()}`];
    const wait = auth.limiter.retryAfter(keys);
    if (wait > 0) {
      reply.header('Retry-After', String(Math.ceil(wait / 1000)));
      return sendError(request, reply, 429, 'too_many_requests', `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`);
    }
    const user = await auth.users.verify(username, password);
    if (user === undefined) {
      auth.limiter.fail(keys);
      auth.audit(username.slice(0, 100), 'login.failed', username.slice(0, 100), {}, request.ip);
      return sendUnauthorized(request, reply, 'wrong user name or password', false);
    }
    auth.limiter.succeed(keys);
    const ttl = auth.opts.config().session_ttl;
    const s = auth.sessions.create(user.name, ttl, request.ip);
    auth.audit(user.name, 'login.ok', user.name, {}, request.ip);
    setSessionCookie(request, reply, s.secret, Math.floor(ttl / 1000));
    reply.header('Cache-Control', 'no-store');
    return { user: user.name, role: user.role, csrfToken: s.csrfToken, expiresAt: s.expiresAt };
  });

  app.post('/api/v1/logout', async (request: FastifyRequest, reply: FastifyReply) => {
    const p = auth.principalOf(request);
    if (p?.sessionIdHash !== undefined) {
      auth.sessions.delete(p.sessionIdHash);
      auth.audit(p.name, 'logout', p.name, {}, request.ip);
    }
    setSessionCookie(request, reply, '', 0);
    return Promise.resolve({ status: 'success' });
  });

  app.get('/api/v1/me', async (request: FastifyRequest, reply: FastifyReply) => {
    const p = auth.principalOf(request);
    if (p === undefined) return sendUnauthorized(request, reply, 'not logged in', false);
    reply.header('Cache-Control', 'no-store');
    const secret = p.via === 'session' ? sessionSecretOf(request) : undefined;
    return Promise.resolve({ user: p.name, role: p.role ?? 'none', kind: p.kind, canWrite: p.canWrite, ...(secret !== undefined ? { csrfToken: csrfTokenFor(secret) } : {}) });
  });
}
