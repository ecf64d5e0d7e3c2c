/** What a user may do: admin (everything), editor (dashboards, silences, rules), viewer (read only). */
export type Role = 'viewer' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/**
 * What an API token may do: a user role, or `writer` (ingest only: remote write and alert push,
 * no reads). Admin tokens may always ingest; viewer and editor tokens only with the write right.
 */
export type TokenRole = Role | 'writer';
export const TOKEN_ROLES: readonly TokenRole[] = ['viewer', 'editor', 'admin', 'writer'];

/** What a route requires (see policy.ts). `write` = ingest rights (remote write, alert push). */
export type Access = 'public' | 'viewer' | 'editor' | 'admin' | 'write';

/** Who sent a request, once authenticated. */
export interface Principal {
  readonly kind: 'user' | 'token' | 'anonymous';
  /** User name, token name (`token:<name>`), or `anonymous`; what the audit log records as actor. */
  readonly name: string;
  /** Read/change rights; undefined for a writer token (ingest only). */
  readonly role: Role | undefined;
  /** May ingest (remote write, alert push). */
  readonly canWrite: boolean;
  /** How the credentials came: the session cookie, an Authorization header, or none. */
  readonly via: 'session' | 'bearer' | 'none';
  /** The session's id hash, when via = 'session'. */
  readonly sessionIdHash?: string;
  /** The token's id, when kind = 'token' and it is stored (VIGIE_API_TOKEN has none). */
  readonly tokenId?: string;
}

const RANK: Readonly<Record<Role, number>> = { viewer: 1, editor: 2, admin: 3 };

/** True when `p` may use a route that requires `access`. */
export function allows(p: Principal, access: Access): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'write':
      return p.canWrite;
    case 'viewer':
    case 'editor':
    case 'admin':
      return p.role !== undefined && RANK[p.role] >= RANK[access];
  }
}

export function isRole(s: unknown): s is Role {
  return typeof s === 'string' && (ROLES as readonly string[]).includes(s);
}

export function isTokenRole(s: unknown): s is TokenRole {
  return typeof s === 'string' && (TOKEN_ROLES as readonly string[]).includes(s);
}
