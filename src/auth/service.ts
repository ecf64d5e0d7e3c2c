import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import type { Clock, Logger } from '../common/index.js';
import type { AuthConfig } from '../config/index.js';
import { type StateDb, migrate } from '../state/index.js';
import { AuditLog, type AuditFn } from './audit.js';
import { type Authenticator, type Credentials, readCredentials } from './authenticate.js';
import { AUTH_MIGRATIONS } from './migrations.js';
import { DEFAULT_SCRYPT, type ScryptParams, generatePassword, secretHash } from './password.js';
import { DEFAULT_POLICY, type PolicyRule, requirementFor } from './policy.js';
import { LoginRateLimiter } from './rate-limit.js';
import { sendError, sendUnauthorized } from './respond.js';
import { registerAuthRoutes } from './routes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { SessionStore } from './sessions.js';
import { TokenStore } from './tokens.js';
import { allows, type Principal } from './types.js';
import { UserStore } from './users.js';

export interface AuthOptions {
  /** The state database (`<data-dir>/vigie.db`); the caller opens and closes it. */
  readonly db: StateDb;
  /** The auth section in force (read per request: reloads apply to anonymous and session_ttl). */
  readonly config: () => AuthConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** VIGIE_API_TOKEN: an admin token with write rights, kept in memory (hashed), never logged. */
  readonly envToken?: string | undefined;
  /** Where the first admin's generated password is printed, once (default: the logger at warn). */
  readonly announce?: (text: string) => void;
  /** scrypt cost of new password hashes (tests lower it). */
  readonly scrypt?: ScryptParams;
  /** Rules tried before DEFAULT_POLICY (other modules' routes). */
  readonly extraRules?: readonly PolicyRule[];
}

const ANONYMOUS: Principal = { kind: 'anonymous', name: 'anonymous', role: 'viewer', canWrite: false, via: 'none' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes whose handlers write their own audit entries. */
const SELF_AUDITED = ['/api/v1/login', '/api/v1/logout', '/api/v1/users', '/api/v1/tokens', '/api/v1/dashboards'];

/**
 * Users, roles, API tokens, sessions and the audit log, and their enforcement on an HTTP app.
 * Build with `Auth.open` (migrates and creates the first admin), then `install(app)` before the
 * app listens: every route then requires what the policy says.
 */
export class Auth implements Authenticator {
  readonly users: UserStore;
  readonly tokens: TokenStore;
  readonly sessions: SessionStore;
  readonly auditLog: AuditLog;
  readonly limiter: LoginRateLimiter;
  readonly envTokenHash: string | undefined;
  /** Records an audit entry; give it to modules whose actions must be audited (silences, reloads). */
  readonly audit: AuditFn;
  private readonly rules: readonly PolicyRule[];
  private readonly principals = new WeakMap<FastifyRequest, Principal>();

  private constructor(readonly opts: AuthOptions) {
    const scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
    this.users = new UserStore(opts.db, opts.clock, scrypt);
    this.tokens = new TokenStore(opts.db, opts.clock);
    this.sessions = new SessionStore(opts.db, opts.clock);
    this.auditLog = new AuditLog(opts.db, opts.clock);
    this.audit = this.auditLog.record;
    const rl = opts.config().login_rate_limit;
    this.limiter = new LoginRateLimiter({ failures: rl.failures, window: rl.window, lockout: rl.lockout }, opts.clock);
    this.envTokenHash = opts.envToken !== undefined && opts.envToken !== '' ? secretHash(opts.envToken) : undefined;
    this.rules = [...(opts.extraRules ?? []), ...DEFAULT_POLICY];
  }

  /**
   * Migrates the auth tables and, when there is no user yet, creates `admin` with a generated
   * password announced once (only its hash is stored).
   */
  static async open(opts: AuthOptions): Promise<Auth> {
    migrate(opts.db, 'auth', AUTH_MIGRATIONS);
    const auth = new Auth(opts);
    if (auth.users.count() === 0) {
      const password = generatePassword();
      await auth.users.add('admin', 'admin', password);
      auth.audit('system', 'user.add', 'admin', { role: 'admin', firstStart: true });
      const announce = opts.announce ?? ((t: string) => opts.logger.warn(t));
      announce(firstAdminBanner(password));
      opts.logger.warn({ user: 'admin' }, 'first start: created user "admin" with a generated password (printed once); change it with `vigie user passwd admin`');
    }
    if (auth.envTokenHash !== undefined) opts.logger.info('VIGIE_API_TOKEN is set: it is accepted as an admin token');
    return auth;
  }

  /** Who sent `request` (set by the hook); undefined on public routes without credentials. */
  principalOf(request: FastifyRequest): Principal | undefined {
    return this.principals.get(request);
  }

  /** Installs the onRequest hook (authentication, policy, CSRF) and the auth routes on `app`. Call before listen. */
  install(app: FastifyInstance): void {
    // Cookie parsing and setting only; the hook below parses the one cookie it needs itself.
    void app.register(fastifyCookie, { hook: false });
    app.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
    app.addHook('onResponse', (request, reply) => {
      this.auditChange(request, reply.statusCode);
      return Promise.resolve();
    });
    registerAuthRoutes(app, this);
    registerAdminRoutes(app, this);
  }

  /**
   * Audits every state-changing request on a guarded route (silences, dashboards, rules,
   * reloads...), refused ones included, as action `<METHOD> <route pattern>` with the status;
   * ingest is left out (too many), and so are the auth routes' successes (they audit themselves).
   */
  private auditChange(request: FastifyRequest, status: number): void {
    const route = request.routeOptions.url;
    if (route === undefined || SAFE_METHODS.has(request.method)) return;
    const path = request.url.split('?', 1)[0] ?? '';
    const need = requirementFor(request.method, route, path, this.rules);
    if (need.access === 'public' || need.access === 'write' || need.read) return;
    if (status < 400 && SELF_AUDITED.some((r) => route.startsWith(r))) return;
    try {
      this.audit(this.principals.get(request)?.name ?? 'anonymous', `${request.method} ${route}`, path, { status }, request.ip);
    } catch (err) {
      this.opts.logger.error({ err }, 'cannot write the audit log');
    }
  }

  private async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const path = request.url.split('?', 1)[0] ?? '';
    const need = requirementFor(request.method, request.routeOptions.url, path, this.rules);
    const creds: Credentials = readCredentials(this, request);
    if (creds.kind === 'ok') this.principals.set(request, creds.principal);
    if (need.access === 'public') return undefined;
    if (creds.kind === 'invalid') return sendUnauthorized(request, reply, creds.reason, true);
    let principal: Principal;
    if (creds.kind === 'ok') principal = creds.principal;
    else if (this.opts.config().anonymous === 'viewer') {
      principal = ANONYMOUS;
      this.principals.set(request, principal);
    } else {
      return sendUnauthorized(request, reply, creds.staleCookie ? 'session expired: log in again' : 'authentication required: log in or send "Authorization: Bearer <token>"', creds.staleCookie);
    }
    if (!allows(principal, need.access)) {
      if (principal.kind === 'anonymous') return sendUnauthorized(request, reply, `authentication required: ${request.method} ${path} needs ${need.access === 'write' ? 'write rights' : `the ${need.access} role`}`, false);
      const what = need.access === 'write' ? 'a token with write rights (or admin)' : `the ${need.access} role`;
      return sendError(request, reply, 403, 'forbidden', `${principal.name} may not ${request.method} ${path}: it needs ${what}`);
    }
    if (principal.via === 'session' && !need.read && !SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      const token = typeof header === 'string' ? header : '';
      if (principal.sessionIdHash === undefined || !this.sessions.checkCsrf(principal.sessionIdHash, token)) {
        return sendError(request, reply, 403, 'forbidden', 'missing or wrong X-CSRF-Token header (login and GET /api/v1/me give it)');
      }
    }
    return undefined;
  }
}

function firstAdminBanner(password: string): string {
  const line = '='.repeat(72);
  return `\n${line}\n  Vigie first start: created the administrator account\n\n    user:     admin\n    password: ${password}\n\n  It is shown only this once (stored hashed). Log in and change it, or run\n  \`vigie user passwd admin\`.\n${line}\n\n`;
}
