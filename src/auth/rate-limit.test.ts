import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../common/index.js';
import { LoginRateLimiter } from './rate-limit.js';
import { startHarness } from './testutil.js';

describe('login rate limiting', () => {
  it('locks a key after N failures in the window, doubling the lockout, and forgets on success', () => {
    const clock = new ManualClock(0);
    const rl = new LoginRateLimiter({ failures: 3, window: 600_000, lockout: 10_000 }, clock);
    for (let i = 0; i < 2; i++) rl.fail(['a']);
    assert.equal(rl.retryAfter(['a']), 0);
    rl.fail(['a']);
    assert.equal(rl.retryAfter(['a', 'b']), 10_000);
    clock.advance(10_000);
    assert.equal(rl.retryAfter(['a']), 0);
    rl.fail(['a']);
    assert.equal(rl.retryAfter(['a']), 20_000);
    clock.advance(20_000);
    rl.fail(['a']);
    assert.equal(rl.retryAfter(['a']), 40_000);
    rl.succeed(['a']);
    assert.equal(rl.retryAfter(['a']), 0);
    // Old failures leave the window.
    rl.fail(['c']);
    rl.fail(['c']);
    clock.advance(600_001);
    rl.fail(['c']);
    assert.equal(rl.retryAfter(['c']), 0);
  });

  it('remembers a bounded number of keys', () => {
    const rl = new LoginRateLimiter({ failures: 1, window: 1000, lockout: 1000, maxKeys: 3 }, new ManualClock(0));
    for (const k of ['a', 'b', 'c', 'd']) rl.fail([k]);
    assert.equal(rl.retryAfter(['a']), 0, 'oldest forgotten');
    assert.equal(rl.retryAfter(['d']), 1000);
  });

  it('slows down ten wrong passwords with 429 and Retry-After, per user and per address', async () => {
    const h = await startHarness();
    try {
      await h.auth.users.add('alice', 'viewer', 'alice-password');
      const login = (username: string, password: string, ip = '10.0.0.1') =>
        h.server.app.inject({ method: 'POST', url: '/api/v1/login', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: { username, password } });
      const codes: number[] = [];
      let last;
      for (let i = 0; i < 10; i++) codes.push((last = await login('alice', `wrong-${i}`)).statusCode);
      assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
      assert.equal(last?.headers['retry-after'], '30');
      assert.equal(last?.json<{ errorType: string }>().errorType, 'too_many_requests');
      // Locked: even the right password waits; so does another address for this user.
      assert.equal((await login('alice', 'alice-password')).statusCode, 429);
      assert.equal((await login('alice', 'alice-password', '10.0.0.2')).statusCode, 429);
      // The address is locked for other user names too.
      assert.equal((await login('bob', 'whatever-pw')).statusCode, 429);
      h.clock.advance(30_000);
      assert.equal((await login('alice', 'wrong-again')).statusCode, 401);
      const r = await login('alice', 'alice-password');
      assert.equal(r.statusCode, 429);
      assert.equal(r.headers['retry-after'], '60', 'the lockout doubled');
      h.clock.advance(60_000);
      assert.equal((await login('alice', 'alice-password')).statusCode, 200);
      const failed = h.auth.auditLog.list(100).filter((e) => e.action === 'login.failed');
      assert.equal(failed.length, 6);
      assert.equal(failed[0]?.remoteAddress, '10.0.0.1');
    } finally {
      await h.close();
    }
  });
});
