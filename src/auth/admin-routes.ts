import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDuration } from '../config/index.js';
import { AuthConflictError, AuthError, AuthNotFoundError } from './errors.js';
import { generatePassword } from './password.js';
import { sendError } from './respond.js';
import type { Auth } from './service.js';
import { type Role, isRole, isTokenRole } from './types.js';

type Body = Readonly<Record<string, unknown>>;
type Req = FastifyRequest<{ Params: { name?: string; id?: string }; Querystring: { limit?: string; before?: string } }>;

function body(request: FastifyRequest): Body {
  const b = request.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new AuthError('expected a JSON object body');
  return b as Body;
}

function optString(b: Body, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AuthError(`"${k}" must be a string`);
  return v;
}

function optRole(b: Body): Role | undefined {
  const r = b['role'];
  if (r === undefined) return undefined;
  if (!isRole(r)) throw new AuthError('"role" must be one of admin, editor, viewer');
  return r;
}

/** Runs `fn`, turning AuthErrors into 400 / 404 / 409 answers. */
async function guarded(request: FastifyRequest, reply: FastifyReply, fn: () => unknown): Promise<unknown> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AuthNotFoundError) return sendError(request, reply, 404, 'not_found', err.message);
    if (err instanceof AuthConflictError) return sendError(request, reply, 409, 'conflict', err.message);
    if (err instanceof AuthError) return sendError(request, reply, 400, 'bad_data', err.message);
    throw err;
  }
}

/** Expiry of a new token from `expiresAt` (RFC 3339 or ms) or `expiresIn` (a duration like 30d). */
function tokenExpiry(b: Body, now: number): number | undefined {
  const at = b['expiresAt'];
  const inText = optString(b, 'expiresIn');
  if (at !== undefined && inText !== undefined) throw new AuthError('give expiresAt or expiresIn, not both');
  if (typeof at === 'number') return at;
  if (typeof at === 'string') {
    const t = Date.parse(at);
    if (Number.isNaN(t)) throw new AuthError(`"expiresAt" ${JSON.stringify(at.slice(0, 40))} is not an RFC 3339 time`);
    return t;
  }
  if (at !== undefined) throw new AuthError('"expiresAt" must be an RFC 3339 time or ms since the epoch');
  if (inText === undefined) return undefined;
  try {
    return now + parseDuration(inText);
  } catch (err) {
    throw new AuthError(`"expiresIn": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Admin-only (see policy.ts): users `GET/POST /api/v1/users`, `PUT/DELETE /api/v1/users/:name`;
 * tokens `GET/POST /api/v1/tokens`, `DELETE /api/v1/tokens/:id` (the value only in the POST
 * answer); `GET /api/v1/audit?limit=&before=`. Every change is audited.
 */
export function registerAdminRoutes(app: FastifyInstance, auth: Auth): void {
  const actor = (request: FastifyRequest): string => auth.principalOf(request)?.name ?? 'unknown';

  app.get('/api/v1/users', async () => Promise.resolve({ users: auth.users.list() }));

  app.post('/api/v1/users', async (request: FastifyRequest, reply) =>
    guarded(request, reply, async () => {
      const b = body(request);
      const name = optString(b, 'name') ?? '';
      const given = optString(b, 'password');
      const password = given ?? generatePassword();
      const user = await auth.users.add(name, optRole(b) ?? 'viewer', password);
      auth.audit(actor(request), 'user.add', user.name, { role: user.role }, request.ip);
      reply.code(201);
      return { user, ...(given === undefined ? { password } : {}) };
    }),
  );

  app.put('/api/v1/users/:name', async (request: Req, reply) =>
    guarded(request, reply, async () => {
      const name = request.params.name ?? '';
      const b = body(request);
      const role = optRole(b);
      const disabled = b['disabled'];
      if (disabled !== undefined && typeof disabled !== 'boolean') throw new AuthError('"disabled" must be true or false');
      const password = optString(b, 'password');
      if (auth.users.get(name) === undefined) throw new AuthNotFoundError(`no user ${JSON.stringify(name)}`);
      if (password !== undefined) await auth.users.setPassword(name, password);
      const user = auth.users.update(name, { ...(role !== undefined ? { role } : {}), ...(disabled !== undefined ? { disabled } : {}) });
      auth.audit(actor(request), 'user.update', name, { ...(role !== undefined ? { role } : {}), ...(disabled !== undefined ? { disabled } : {}), passwordChanged: password !== undefined }, request.ip);
      return { user };
    }),
  );

  app.delete('/api/v1/users/:name', async (request: Req, reply) =>
    guarded(request, reply, () => {
      const name = request.params.name ?? '';
      auth.users.delete(name);
      auth.audit(actor(request), 'user.delete', name, {}, request.ip);
      return { status: 'success' };
    }),
  );

  app.get('/api/v1/tokens', async () => Promise.resolve({ tokens: auth.tokens.list() }));

  app.post('/api/v1/tokens', async (request: FastifyRequest, reply) =>
    guarded(request, reply, () => {
      const b = body(request);
      const role = b['role'] ?? 'viewer';
      if (!isTokenRole(role)) throw new AuthError('"role" must be one of viewer, editor, admin, writer');
      const write = b['write'];
      if (write !== undefined && typeof write !== 'boolean') throw new AuthError('"write" must be true or false');
      const expiresAt = tokenExpiry(b, auth.opts.clock.now());
      const made = auth.tokens.create({ name: optString(b, 'name') ?? '', role, createdBy: actor(request), ...(write !== undefined ? { write } : {}), ...(expiresAt !== undefined ? { expiresAt } : {}) });
      auth.audit(actor(request), 'token.create', made.info.id, { name: made.info.name, role: made.info.role, write: made.info.write, expiresAt: made.info.expiresAt ?? null }, request.ip);
      reply.code(201);
      reply.header('Cache-Control', 'no-store');
      return { token: made.token, ...made.info };
    }),
  );

  app.delete('/api/v1/tokens/:id', async (request: Req, reply) =>
    guarded(request, reply, () => {
      const t = auth.tokens.delete(request.params.id ?? '');
      auth.audit(actor(request), 'token.delete', t.id, { name: t.name }, request.ip);
      return { status: 'success' };
    }),
  );

  app.get('/api/v1/audit', async (request: Req, reply) =>
    guarded(request, reply, () => {
      const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
      const before = request.query.before === undefined ? undefined : Number(request.query.before);
      if (!Number.isFinite(limit) || (before !== undefined && !Number.isSafeInteger(before))) throw new AuthError('"limit" and "before" must be numbers');
      return { entries: auth.auditLog.list(limit, before) };
    }),
  );
}
