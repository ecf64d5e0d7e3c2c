import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { STAND_IN_ROUTES, T0, type Harness, cookieOf, startHarness } from './testutil.js';

const ENV_TOKEN = 'env-token-for-tests-0123456789';

/** One sample `up 1` at T0 as a snappy-framed (block format, literal only) remote write request. */
function writeBody(): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    return out;
  };
  const len = (tag: number, bytes: number[]): number[] => [tag, ...varint(bytes.length), ...bytes];
  const str = (s: string): number[] => [...Buffer.from(s)];
  const label = len(0x0a, [...len(0x0a, str('__name__')), ...len(0x12, str('up'))]);
  const value = Buffer.alloc(8);
  value.writeDoubleLE(1);
  const sample = len(0x12, [0x09, ...value, 0x10, ...varint(T0)]);
  const proto = len(0x0a, [...label, ...sample]);
  assert.ok(proto.length <= 60);
  return Buffer.from([...varint(proto.length), (proto.length - 1) << 2, ...proto]);
}
const WRITE_HEADERS = { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' };

describe('auth over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ envToken: ENV_TOKEN });
    await h.auth.users.add('vera', 'viewer', 'viewer-password');
    await h.auth.users.add('eddie', 'editor', 'editor-password');
  });
  after(() => h.close());
  const inject = (method: string, url: string, headers: Record<string, string> = {}, payload?: unknown): Promise<LightMyRequestResponse> =>
    h.server.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const login = async (username: string, password: string): Promise<{ cookie: string; csrf: string }> => {
    const r = await inject('POST', '/api/v1/login', { 'content-type': 'application/json' }, JSON.stringify({ username, password }));
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json<{ user: string; role: string; csrfToken: string }>();
    assert.equal(body.user, username);
    return { cookie: cookieOf(r.headers['set-cookie']), csrf: body.csrfToken };
  };

  it('answers 401 with a Bearer challenge to anonymous callers, in the API error shape', async () => {
    for (const [method, url] of [['GET', '/api/v1/query?query=up'], ['GET', '/api/v1/me'], ['GET', '/federate'], ['GET', '/metrics'], ['POST', '/api/v1/write'], ['GET', '/api/v1/users'], ['GET', '/api/v1/no-such-endpoint']] as const) {
      const r = await inject(method, url);
      assert.equal(r.statusCode, 401, `${method} ${url}`);
      assert.match(r.headers['www-authenticate'] as string, /^Bearer realm="vigie"/);
      if (url.startsWith('/api/')) assert.deepEqual(Object.keys(r.json<object>()).sort(), ['error', 'errorType', 'status']);
    }
    assert.equal((await inject('GET', '/api/v1/query?query=up')).json<{ errorType: string }>().errorType, 'unauthorized');
  });

  it('leaves health, readiness, the UI shell and the login open', async () => {
    assert.equal((await inject('GET', '/-/healthy')).statusCode, 200);
    assert.equal((await inject('GET', '/-/ready')).statusCode, 200);
    assert.equal((await inject('GET', '/')).statusCode, 200);
    assert.equal((await inject('GET', '/no/such/page')).statusCode, 404);
    assert.equal((await inject('POST', '/api/v1/login', { 'content-type': 'application/json' }, '{"username":"x"}')).statusCode, 400);
  });

  it('accepts VIGIE_API_TOKEN as an admin token and refuses a wrong one as invalid_token', async () => {
    assert.equal((await inject('GET', '/api/v1/query', bearer(ENV_TOKEN))).statusCode, 200);
    assert.equal((await inject('GET', '/api/v1/users', bearer(ENV_TOKEN))).statusCode, 200);
    assert.equal((await inject('POST', '/-/reload', bearer(ENV_TOKEN))).statusCode, 200);
    const me = (await inject('GET', '/api/v1/me', bearer(ENV_TOKEN))).json<{ user: string; role: string; csrfToken?: string }>();
    assert.deepEqual([me.user, me.role, me.csrfToken], ['token:VIGIE_API_TOKEN', 'admin', undefined]);
    const bad = await inject('GET', '/api/v1/query', bearer(`${ENV_TOKEN}x`));
    assert.equal(bad.statusCode, 401);
    assert.match(bad.headers['www-authenticate'] as string, /error="invalid_token"/);
    assert.equal((await inject('GET', '/api/v1/query', { authorization: 'Digest abc' })).statusCode, 401);
    assert.equal((await inject('GET', '/api/v1/query', { authorization: `Basic ${Buffer.from(`any:${ENV_TOKEN}`).toString('base64')}` })).statusCode, 200);
  });

  it('lets a viewer read everything and change nothing', async () => {
    const v = await login('vera', 'viewer-password');
    const headers = { cookie: v.cookie, 'x-csrf-token': v.csrf };
    assert.equal((await inject('GET', '/api/v1/query?query=up', { cookie: v.cookie })).statusCode, 200);
    assert.equal((await inject('GET', '/federate', { cookie: v.cookie })).statusCode, 200);
    assert.equal((await inject('GET', '/api/v2/silences', { cookie: v.cookie })).statusCode, 200);
    // Grafana POSTs queries as forms: reads, no CSRF token needed.
    const form = { cookie: v.cookie, 'content-type': 'application/x-www-form-urlencoded' };
    assert.equal((await inject('POST', '/api/v1/query_range', form, 'query=up&start=1&end=2&step=1')).statusCode, 200);
    const changes = STAND_IN_ROUTES.filter(([m, u]) => m !== 'GET' && !['/api/v1/query', '/api/v1/query_range'].includes(u))
      .map(([m, u]) => [m, u.replace(':id', 'x')] as const)
      .concat([['POST', '/-/reload'], ['POST', '/api/v1/users'], ['PUT', '/api/v1/users/vera'], ['DELETE', '/api/v1/users/eddie'], ['POST', '/api/v1/tokens'], ['DELETE', '/api/v1/tokens/x'], ['POST', '/api/v1/write'], ['GET', '/api/v1/audit'], ['GET', '/debug/internal']]);
    for (const [method, url] of changes) {
      const r = await inject(method, url, { ...headers, 'content-type': 'application/json' }, '{}');
      assert.equal(r.statusCode, 403, `viewer ${method} ${url}: ${r.body}`);
    }
    assert.equal(h.auth.users.get('eddie')?.role, 'editor');
  });

  it('lets an editor change silences and dashboards with the CSRF token, not users', async () => {
    const e = await login('eddie', 'editor-password');
    const json = { cookie: e.cookie, 'content-type': 'application/json' };
    assert.equal((await inject('POST', '/api/v2/silences', { ...json, 'x-csrf-token': e.csrf }, '{}')).statusCode, 200);
    assert.equal((await inject('DELETE', '/api/v1/dashboards/7', { cookie: e.cookie, 'x-csrf-token': e.csrf })).statusCode, 200);
    const noCsrf = await inject('POST', '/api/v2/silences', json, '{}');
    assert.equal(noCsrf.statusCode, 403);
    assert.match(noCsrf.json<{ error: string }>().error, /X-CSRF-Token/);
    assert.equal((await inject('POST', '/api/v2/silences', { ...json, 'x-csrf-token': 'forged' }, '{}')).statusCode, 403);
    // Changes are audited, refused ones too (dashboard routes write their own entries: src/dashboards).
    const audited = h.auth.auditLog.list(20).filter((a) => a.actor === 'eddie').map((a) => `${a.action} ${String(a.detail['status'])}`);
    assert.deepEqual(audited.slice(0, 3), ['POST /api/v2/silences 403', 'POST /api/v2/silences 403', 'POST /api/v2/silences 200']);
    assert.equal((await inject('POST', '/api/v1/users', { ...json, 'x-csrf-token': e.csrf }, '{}')).statusCode, 403);
    // /me gives the CSRF token again (a reloaded page), and logout ends the session.
    const me = (await inject('GET', '/api/v1/me', { cookie: e.cookie })).json<{ csrfToken: string; role: string }>();
    assert.deepEqual([me.role, me.csrfToken], ['editor', e.csrf]);
    assert.equal((await inject('POST', '/api/v1/logout', { cookie: e.cookie })).statusCode, 403, 'logout needs the CSRF token');
    const out = await inject('POST', '/api/v1/logout', { cookie: e.cookie, 'x-csrf-token': e.csrf });
    assert.equal(out.statusCode, 200);
    assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
    assert.equal((await inject('GET', '/api/v1/me', { cookie: e.cookie })).statusCode, 401);
  });

  it('sets an httpOnly, SameSite=Strict session cookie on /', async () => {
    const r = await inject('POST', '/api/v1/login', { 'content-type': 'application/json' }, JSON.stringify({ username: 'vera', password: 'viewer-password' }));
    const c = String(r.headers['set-cookie']);
    assert.match(c, /^vigie_session=[A-Za-z0-9_-]{43};/);
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=604800']) assert.ok(c.includes(attr), `${attr} in ${c}`);
    assert.ok(!c.includes('Secure'), 'plain HTTP: not Secure');
  });

  it('lets only tokens with write rights remote-write', async () => {
    const body = writeBody();
    const make = (role: string, write?: boolean) => h.auth.tokens.create({ name: `t-${role}-${String(write)}`, role: role as 'viewer', createdBy: 'test', ...(write !== undefined ? { write } : {}) }).token;
    const readOnly = make('viewer');
    const r = await inject('POST', '/api/v1/write', { ...WRITE_HEADERS, ...bearer(readOnly) }, body);
    assert.equal(r.statusCode, 403);
    assert.match(r.json<{ error: string }>().error, /write rights/);
    assert.equal(h.samples(), 0);
    for (const token of [make('viewer', true), make('writer'), make('admin'), ENV_TOKEN]) {
      const w = await inject('POST', '/api/v1/write', { ...WRITE_HEADERS, ...bearer(token) }, body);
      assert.equal(w.statusCode, 204, w.body);
    }
    assert.equal(h.samples(), 4);
    // A writer token only writes.
    assert.equal((await inject('GET', '/api/v1/query', bearer(make('writer')))).statusCode, 403);
    assert.equal((await inject('POST', '/api/v2/alerts', bearer(make('writer')))).statusCode, 200);
  });

  it('faces hostile credentials and login bodies with clear 4xx answers, never a crash', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b', `Bearer ${'x'.repeat(100_000)}`, 'Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'bearer vigie_\u00e9', 'Bearer vigie_' + '\u0000'.repeat(5)]) {
      const r = await inject('GET', '/api/v1/query', { authorization });
      assert.equal(r.statusCode, 401, authorization.slice(0, 40));
      assert.equal(r.json<{ errorType: string }>().errorType, 'unauthorized');
    }
    for (const cookie of ['vigie_session=', 'vigie_session=%E0%A4%A', `vigie_session=${'a'.repeat(10_000)}`, 'garbage;;;==', 'vigie_session="unterminated']) {
      assert.equal((await inject('GET', '/api/v1/query', { cookie })).statusCode, 401, cookie.slice(0, 40));
    }
    const bodies: [string, string][] = [
      ['application/json', '[]'],
      ['application/json', 'null'],
      ['application/json', '"admin"'],
      ['application/json', '{"username": {"$ne": 1}, "password": "x"}'],
      ['application/json', '{"username": "admin", "password": 12345678}'],
      ['application/json', `{"username": "${'a'.repeat(5000)}", "password": "x"}`],
      ['application/json', '{"username": "admin", "password": '],
      ['text/plain', 'username=admin&password=x'],
    ];
    for (const [ct, payload] of bodies) {
      const r = await inject('POST', '/api/v1/login', { 'content-type': ct }, payload);
      assert.ok([400, 415].includes(r.statusCode), `${payload.slice(0, 40)} -> ${r.statusCode}`);
      assert.equal(r.json<{ status: string }>().status, 'error');
    }
  });

  it('refuses expired tokens and sessions with 401', async () => {
    const { token } = h.auth.tokens.create({ name: 'short', role: 'viewer', createdBy: 'test', expiresAt: h.clock.now() + 3_600_000 });
    const v = await login('vera', 'viewer-password');
    assert.equal((await inject('GET', '/api/v1/query', bearer(token))).statusCode, 200);
    h.clock.advance(3_600_000);
    assert.equal((await inject('GET', '/api/v1/query', bearer(token))).statusCode, 401);
    assert.equal((await inject('GET', '/api/v1/query', { cookie: v.cookie })).statusCode, 200);
    h.clock.advance(7 * 86_400_000);
    const r = await inject('GET', '/api/v1/query', { cookie: v.cookie });
    assert.equal(r.statusCode, 401);
    assert.match(r.json<{ error: string }>().error, /session expired/);
  });
});

describe('anonymous guest (auth.anonymous: viewer)', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ authYaml: 'auth:\n  anonymous: viewer\n' })));
  after(() => h.close());

  it('reads without credentials and is asked to log in for changes', async () => {
    const app = h.server.app;
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/query?query=up' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 200);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/v1/me' })).json<{ user: string; role: string }>().role, 'viewer');
    for (const [method, url] of [['POST', '/api/v2/silences'], ['POST', '/api/v1/write'], ['GET', '/api/v1/users'], ['POST', '/-/reload']] as const) {
      const r = await app.inject({ method, url });
      assert.equal(r.statusCode, 401, `${method} ${url}`);
    }
    // A bad token is an error even for a guest-friendly server.
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/query', headers: { authorization: 'Bearer vigie_nope' } })).statusCode, 401);
    h.setAuthConfig('auth:\n  anonymous: none\n');
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/query?query=up' })).statusCode, 401, 'reload applies');
  });
});
