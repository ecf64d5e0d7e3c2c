import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFloat, sprint, sprintf, sprintln } from './gofmt.js';

// Expected strings are what Go 1.22 prints for the same fmt calls.
describe('Go float formatting', () => {
  const v: [number, string][] = [
    [1e6, '1e+06'],
    [0.1, '0.1'],
    [3, '3'],
    [100000, '100000'],
    [123456, '123456'],
    [1234567, '1.234567e+06'],
    [123456789, '1.23456789e+08'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1e21, '1e+21'],
    [-0.5, '-0.5'],
    [0, '0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [1 / 3, '0.3333333333333333'],
    [5e-324, '5e-324'],
  ];
  for (const [x, want] of v) it(`%v of ${x} is ${want}`, () => assert.equal(formatFloat(x, 'v', -1), want));
});

describe('sprintf', () => {
  const cases: [string, unknown[], string][] = [
    ['%.2f', [3.14159], '3.14'],
    ['%f', [1.5], '1.500000'],
    ['%.0f', [0.5], '0'],
    ['%.0f', [1.5], '2'],
    ['%.0f', [2.5], '2'],
    ['%.2f', [2.675], '2.67'],
    ['%.4g', [1234.5], '1234'],
    ['%.4g', [12345.0], '1.234e+04'],
    ['%.4g', [0.000123456], '0.0001235'],
    ['%.4g', [100.0], '100'],
    ['%.4g', [0], '0'],
    ['%g', [100000.0], '100000'],
    ['%g', [1e6], '1e+06'],
    ['%e', [1234.5678], '1.234568e+03'],
    ['%E', [0.0], '0.000000E+00'],
    ['%.3e', [-1e-10], '-1.000e-10'],
    ['%f', [1e22], '10000000000000000000000.000000'],
    ['%d', [42n], '42'],
    ['%d', [-7n], '-7'],
    ['%x %X %o %b', [255n, 255n, 8n, 5n], 'ff FF 10 101'],
    ['%#x', [255n], '0xff'],
    ['%c', [65n], 'A'],
    ['%s', ['hi'], 'hi'],
    ['%q', ['a\nb"c'], '"a\\nb\\"c"'],
    ['%x', ['hi'], '6869'],
    ['%v %v %v', [true, 'x', 2.5], 'true x 2.5'],
    ['%t', [false], 'false'],
    ['%5.1f|%-6s|%05d|%6.2f', [3.14159, 'ab', 42n, -1.5], '  3.1|ab    |00042| -1.50'],
    ['%+d %+.1f', [3n, 2.0], '+3 +2.0'],
    ['%.2s', ['abcdef'], 'ab'],
    ['%%', [], '%'],
    ['%v', [[1n, 'a', 2.5]], '[1 a 2.5]'],
    ['%v', [{ b: '2', a: '1' }], 'map[a:1 b:2]'],
    ['%v', [undefined], '<nil>'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%s', [3n], '%!s(int=3)'],
    ['%f', [3n], '%!f(int=3)'],
    ['%d', ['x'], '%!d(string=x)'],
    ['%s %s', ['a'], 'a %!s(MISSING)'],
    ['%d', [1n, 2n], '1%!(EXTRA int=2)'],
    ['%', [], '%!(NOVERB)'],
    ['%*d', [5n, 42n], '   42'],
  ];
  for (const [f, args, want] of cases) it(`${f} ${JSON.stringify(args, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x))}`, () => assert.equal(sprintf(f, args), want));
});

describe('sprint and sprintln', () => {
  it('puts spaces only between non-string operands', () => assert.equal(sprint([1n, 2n, 'a', 3n, 'b', 'c']), '1 2a3bc'));
  it('prints floats like %v', () => assert.equal(sprint([1e6, 0.5]), '1e+06 0.5'));
  it('println separates everything and ends with a newline', () => assert.equal(sprintln(['a', 1n, 'b']), 'a 1 b\n'));
});
