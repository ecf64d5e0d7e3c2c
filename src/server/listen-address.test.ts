import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListenAddressError, formatListenAddress, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it('parses host:port, [v6]:port and :port', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9400'), { host: '127.0.0.1', port: 9400 });
    assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseListenAddress('[::1]:9400'), { host: '::1', port: 9400 });
    assert.deepEqual(parseListenAddress(':9400'), { host: '0.0.0.0', port: 9400 });
  });
  for (const bad of ['9400', '127.0.0.1', '127.0.0.1:', 'host:99999', 'host:-1', '::1:9400', 'a b:1', 'host:port']) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => parseListenAddress(bad), ListenAddressError));
  }
  it('formats back', () => {
    assert.equal(formatListenAddress({ host: '::1', port: 1 }), '[::1]:1');
    assert.equal(formatListenAddress({ host: '127.0.0.1', port: 9400 }), '127.0.0.1:9400');
  });
});
