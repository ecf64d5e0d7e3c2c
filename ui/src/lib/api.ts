// The only way the UI talks to the server: JSON over /api/v1 with the session cookie.
// State-changing requests carry the CSRF token that login returned (header X-CSRF-Token).

/** Thrown for any non-2xx answer; `status` 401 means "not logged in". */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where the CSRF token and the 401 listener live; one per app, passed around (no module state). */
export interface ApiSession {
  csrfToken: string | undefined;
  /** Called when any request answers 401 (the app then shows the login page). */
  onUnauthorized: () => void;
}

export function newSession(onUnauthorized: () => void = () => undefined): ApiSession {
  return { csrfToken: undefined, onUnauthorized };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sends a request and returns the parsed JSON body; throws HttpError with the server's message. */
export async function apiFetch<T>(session: ApiSession, path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (UNSAFE.has(method) && session.csrfToken !== undefined) headers.set('X-CSRF-Token', session.csrfToken);
  const res = await fetch(path, { ...init, method, headers, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    if (res.status === 401) session.onUnauthorized();
    // Vigie's API answers {error}; the Alertmanager v2 API answers a bare JSON string.
    const msg =
      typeof body === 'string' && body !== ''
        ? body
        : typeof body === 'object' && body !== null && 'error' in body
          ? String((body as { error: unknown }).error)
          : `${res.status} ${res.statusText}`;
    throw new HttpError(res.status, msg);
  }
  return body as T;
}

/** POST with a JSON body. */
export function apiPost<T>(session: ApiSession, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return apiFetch<T>(session, path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }, signal);
}

// ---- users and sessions (contract of issue 7) ----

export type Role = 'admin' | 'editor' | 'viewer';
export interface Me {
  readonly user: string;
  readonly role: Role;
}
interface LoginAnswer extends Me {
  readonly csrfToken: string;
}

/** POST /api/v1/login: opens a session (cookie) and keeps the CSRF token in `session`. */
export async function login(session: ApiSession, username: string, password: string): Promise<Me> {
  const a = await apiPost<LoginAnswer>(session, '/api/v1/login', { username, password });
  session.csrfToken = a.csrfToken;
  return { user: a.user, role: a.role };
}

export async function logout(session: ApiSession): Promise<void> {
  await apiPost<unknown>(session, '/api/v1/logout', {});
  session.csrfToken = undefined;
}

/**
 * GET /api/v1/me. Undefined when not logged in (401). A server without the endpoint yet
 * (404) runs without users: the UI then acts as an anonymous viewer.
 */
export async function fetchMe(session: ApiSession): Promise<Me | undefined> {
  try {
    const me = await apiFetch<Me & { csrfToken?: string }>(session, '/api/v1/me');
    if (me.csrfToken !== undefined) session.csrfToken = me.csrfToken;
    return { user: me.user, role: me.role };
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) return undefined;
    if (e instanceof HttpError && e.status === 404) return { user: 'anonymous', role: 'viewer' };
    throw e;
  }
}

/**
 * Whether `role` may change dashboards, silences and rules (the server's policy decides; the
 * UI only hides what would be refused). Every control that changes state carries the
 * attribute `data-change` so that the end-to-end tests can check that a viewer sees none.
 */
export function canEdit(role: Role): boolean {
  return role === 'admin' || role === 'editor';
}
