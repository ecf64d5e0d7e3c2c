import { afterEach, describe, expect, it, vi } from 'vitest';
import { newSession } from './api';
import { type AuditEntry, addUser, randomPassword, createToken, deleteUser, fetchAudit, formatDetail, formatExpiry, formatTime, lastLogins, listUsers, nextAuditBefore, revokeToken, tokenFormError, tokenRequest, updateUser, userFormError } from './users-api';

interface Sent {
  url: string;
  method: string;
  body: unknown;
  csrf: string | null;
}

/** Replaces fetch: records each request and answers `answer` with `status`. */
function fakeFetch(answer: unknown, status = 200): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    const headers = new Headers(init.headers);
    sent.push({ url, method: init.method ?? 'GET', body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined, csrf: headers.get('X-CSRF-Token') });
    return Promise.resolve(new Response(JSON.stringify(answer), { status }));
  });
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

const session = () => {
  const s = newSession();
  s.csrfToken = 'csrf-1';
  return s;
};
const entry = (id: number, actor: string, action: string, time: number): AuditEntry => ({ id, time, actor, action, target: actor, detail: {} });

describe('users API calls', () => {
  it('lists, adds, updates and deletes users with the CSRF token on changes', async () => {
    let sent = fakeFetch({ users: [{ name: 'a', role: 'admin', disabled: false, createdAt: 1, updatedAt: 1 }] });
    expect((await listUsers(session())).map((u) => u.name)).toEqual(['a']);
    expect(sent[0]).toMatchObject({ url: '/api/v1/users', method: 'GET', csrf: null });

    sent = fakeFetch({ user: { name: 'bob' }, password: 'generated-pw' }, 201);
    expect((await addUser(session(), { name: 'bob', role: 'viewer' })).password).toBe('generated-pw');
    expect(sent[0]).toMatchObject({ url: '/api/v1/users', method: 'POST', body: { name: 'bob', role: 'viewer' }, csrf: 'csrf-1' });

    sent = fakeFetch({ user: { name: 'a b/c', role: 'editor' } });
    expect((await updateUser(session(), 'a b/c', { role: 'editor' })).role).toBe('editor');
    expect(sent[0]).toMatchObject({ url: '/api/v1/users/a%20b%2Fc', method: 'PUT', body: { role: 'editor' }, csrf: 'csrf-1' });

    sent = fakeFetch({ status: 'success' });
    await deleteUser(session(), 'bob');
    expect(sent[0]).toMatchObject({ url: '/api/v1/users/bob', method: 'DELETE', csrf: 'csrf-1' });
  });

  it('throws the server message on errors', async () => {
    fakeFetch({ status: 'error', errorType: 'conflict', error: 'user "bob" already exists' }, 409);
    await expect(addUser(session(), { name: 'bob', role: 'viewer', password: 'long enough' })).rejects.toThrow('user "bob" already exists');
  });

  it('creates and revokes tokens, pages the audit log', async () => {
    let sent = fakeFetch({ token: 'vigie_secret', id: 't1', name: 'ci', role: 'writer', write: true, createdBy: 'a', createdAt: 1 }, 201);
    expect((await createToken(session(), { name: ' ci ', role: 'writer', write: false, expiresIn: '30d' })).token).toBe('vigie_secret');
    expect(sent[0]?.body).toEqual({ name: 'ci', role: 'writer', expiresIn: '30d' });
    sent = fakeFetch({ status: 'success' });
    await revokeToken(session(), 't/1');
    expect(sent[0]).toMatchObject({ url: '/api/v1/tokens/t%2F1', method: 'DELETE' });
    sent = fakeFetch({ entries: [entry(9, 'a', 'login.ok', 5)] });
    expect(await fetchAudit(session(), 50, 10)).toHaveLength(1);
    expect(sent[0]?.url).toBe('/api/v1/audit?limit=50&before=10');
  });
});

describe('users page logic', () => {
  it('builds token requests and checks the form', () => {
    expect(tokenRequest({ name: 'g', role: 'viewer', write: true, expiresIn: '' })).toEqual({ name: 'g', role: 'viewer', write: true });
    expect(tokenRequest({ name: 'g', role: 'admin', write: false, expiresIn: '1y' })).toEqual({ name: 'g', role: 'admin', expiresIn: '1y' });
    expect(tokenFormError({ name: ' ', role: 'viewer', write: false, expiresIn: '' })).toMatch(/name/);
    expect(tokenFormError({ name: 'x', role: 'viewer', write: false, expiresIn: '30 days' })).toMatch(/duration/);
    expect(tokenFormError({ name: 'x', role: 'viewer', write: false, expiresIn: '1d12h' })).toBeUndefined();
  });
  it('checks user names and passwords as the server does', () => {
    expect(userFormError('alice', undefined)).toBeUndefined();
    expect(userFormError('alice@example.com', 'longpassword')).toBeUndefined();
    expect(userFormError('-bad', undefined)).toMatch(/User name/);
    expect(userFormError('x'.repeat(65), undefined)).toMatch(/User name/);
    expect(userFormError('ok', 'short')).toMatch(/8 characters/);
  });
  it('pages the audit log and finds last logins', () => {
    const page = [entry(10, 'a', 'login.ok', 300), entry(9, 'b', 'login.failed', 200), entry(8, 'a', 'login.ok', 100)];
    expect(nextAuditBefore(page, 3)).toBe(8);
    expect(nextAuditBefore(page, 50)).toBeUndefined();
    expect([...lastLogins(page)]).toEqual([['a', 300]]);
  });
  it('formats times, expiries and details', () => {
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime(null)).toBe('—');
    expect(formatTime(new Date(2024, 0, 5, 7, 3).getTime())).toBe('2024-01-05 07:03');
    expect(formatExpiry(undefined, 0)).toBe('never');
    expect(formatExpiry(100, 200)).toMatch(/^expired /);
    expect(formatExpiry(new Date(2030, 0, 1).getTime(), 0)).toBe('2030-01-01 00:00');
    expect(formatDetail({ role: 'viewer', write: true, n: null })).toBe('role=viewer write=true n=null');
  });
});

describe('random passwords', () => {
  it('are 20 url-safe characters long enough for the server', () => {
    const p = randomPassword();
    expect(p).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(randomPassword((b) => b.fill(65))).toBe('B'.repeat(20));
    expect(userFormError('x', p)).toBeUndefined();
  });
});
