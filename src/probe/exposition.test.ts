import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoFloat, renderProbeExposition } from './index.js';
import { ipAddrHash, ipBytes } from './resolve.js';
import { groupRepeatedAssertions, compileGoRegexp } from './regexp.js';
import { parseBase2Bytes, parseGoDuration } from './units.js';

describe('renderProbeExposition', () => {
  it('renders sorted families with HELP/TYPE gauge lines, sorted and escaped labels, Go floats', () => {
    const text = renderProbeExposition({
      success: false,
      durationSeconds: 0.5,
      failureReason: 'x',
      logs: [],
      metrics: [
        { name: 'probe_success', help: 'Displays whether or not the probe was a success', labels: {}, value: 0 },
        { name: 'probe_failure_reason', help: 'why', labels: { reason: 'bad "quote" \\ and\nnewline' }, value: 1 },
        { name: 'probe_ssl_last_chain_info', help: 'info', labels: { subject: 'CN=a', issuer: 'CN=b' }, value: 1 },
        { name: 'probe_http_duration_seconds', help: 'd', labels: { phase: 'transfer' }, value: 1.5e-5 },
        { name: 'probe_http_duration_seconds', help: 'd', labels: { phase: 'connect' }, value: 0.000123 },
      ],
    });
    assert.equal(
      text,
      [
        '# HELP probe_failure_reason why',
        '# TYPE probe_failure_reason gauge',
        'probe_failure_reason{reason="bad \\"quote\\" \\\\ and\\nnewline"} 1',
        '# HELP probe_http_duration_seconds d',
        '# TYPE probe_http_duration_seconds gauge',
        'probe_http_duration_seconds{phase="connect"} 0.000123',
        'probe_http_duration_seconds{phase="transfer"} 1.5e-05',
        '# HELP probe_ssl_last_chain_info info',
        '# TYPE probe_ssl_last_chain_info gauge',
        'probe_ssl_last_chain_info{issuer="CN=b",subject="CN=a"} 1',
        '# HELP probe_success Displays whether or not the probe was a success',
        '# TYPE probe_success gauge',
        'probe_success 0',
        '',
      ].join('\n'),
    );
  });

  it("formats floats as Go's strconv 'g' with shortest digits", () => {
    const cases: [number, string][] = [[0, '0'], [1, '1'], [1.1, '1.1'], [123456, '123456'], [1234567, '1.234567e+06'], [1e21, '1e+21'], [0.0001, '0.0001'], [0.00001, '1e-05'], [-62135596800, '-6.21355968e+10'], [1806148034, '1.806148034e+09'], [NaN, 'NaN'], [Infinity, '+Inf'], [-Infinity, '-Inf'], [3668918509, '3.668918509e+09']];
    for (const [v, s] of cases) assert.equal(formatGoFloat(v), s, String(v));
  });
});

describe('helpers', () => {
  it('hashes IP bytes with FNV-1a (IPv4 4 bytes, IPv6 16, mapped IPv4 as IPv4)', () => {
    assert.equal(ipAddrHash('127.0.0.1'), 3668918509);
    assert.deepEqual(ipBytes('::1'), [...Array<number>(15).fill(0), 1]);
    assert.deepEqual(ipBytes('2001:db8::10'), [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(10).fill(0), 0, 0x10]);
    assert.deepEqual(ipBytes('::ffff:10.1.2.3'), [10, 1, 2, 3]);
  });

  it('parses Go durations and base-2 sizes, refusing nonsense', () => {
    assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseGoDuration('250ms'), 250);
    assert.equal(parseGoDuration('5'), undefined);
    assert.equal(parseGoDuration('-5s'), undefined);
    assert.equal(parseGoDuration('1e400h'), undefined);
    assert.equal(parseBase2Bytes('1MB'), 1_048_576);
    assert.equal(parseBase2Bytes('512KiB'), 524_288);
    assert.equal(parseBase2Bytes('10'), 10);
    assert.equal(parseBase2Bytes('1XB'), undefined);
  });

  it('compiles Go regexps unanchored, with `.` not matching a newline and `^+` accepted', () => {
    assert.equal(groupRepeatedAssertions('^+OK[^+]'), '(?:^)+OK[^+]');
    // As in Go, `^+OK` is "start of text, repeated, then OK": it does not match a `+OK` banner.
    assert.ok(compileGoRegexp('^+OK').test('OK ready'));
    assert.equal(compileGoRegexp('^+OK').test('+OK ready'), false);
    assert.equal(compileGoRegexp('a.b').test('a\nb'), false);
    assert.equal(compileGoRegexp('(?s)a.b').test('a\nb'), true);
    assert.ok(compileGoRegexp('world').test('hello world'));
  });
});
