// Users, roles, API tokens, sessions and the audit log; their enforcement on every HTTP route.
export { type AuditEntry, type AuditFn, AuditLog } from './audit.js';
export { SESSION_COOKIE } from './authenticate.js';
export { AuthConflictError, AuthError, AuthNotFoundError } from './errors.js';
export { AUTH_MIGRATIONS } from './migrations.js';
export { DEFAULT_SCRYPT, type ScryptParams, checkPasswordRules, generatePassword, generateToken, hashPassword, verifyPassword } from './password.js';
export { DEFAULT_POLICY, type PolicyRule, type Requirement, requirementFor } from './policy.js';
export { type LoginRateLimitOptions, LoginRateLimiter } from './rate-limit.js';
export { Auth, type AuthOptions } from './service.js';
export { type SessionInfo, SessionStore } from './sessions.js';
export { type NewToken, type TokenInfo, TokenStore } from './tokens.js';
export { type Access, type Principal, ROLES, type Role, TOKEN_ROLES, type TokenRole, allows, isRole, isTokenRole } from './types.js';
export { type UserInfo, UserStore, checkUserName } from './users.js';
