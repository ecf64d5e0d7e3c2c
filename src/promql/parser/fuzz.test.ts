// Fuzzing: random token soups and mutated valid queries must only ever produce an AST or a
// PromQLParseError, quickly (no hang, no other exception). Deterministic (seeded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PromQLParseError, formatExpr, parseExpr } from './index.js';
import { xorshift32 } from '../../common/index.js';

const rng = xorshift32;

const PIECES = [
  'foo', 'bar:baz', 'sum', 'rate', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', '@',
  'start()', 'end()', 'step()', 'range()', 'min_of', 'anchored', 'smoothed', 'fill', 'fill_left', 'and', 'or', 'unless',
  'atan2', '(', ')', '{', '}', '[', ']', ',', ':', '=', '==', '!=', '=~', '!~', '<', '>', '<=', '>=', '</', '>/', '+', '-',
  '*', '/', '%', '^', '1', '0x1f', '1e3', '.5', 'Inf', 'NaN', '5m', '1h30m', '"a"', "'b'", '`c`', '"\\x41"', '#c\n', ' ',
  'topk', 'count_values', 'histogram_quantile', 'label_replace', 'info', '__name__', '"\\', '`', '\n', 'é', '0.', '1_0',
];

const SEEDS = [
  'sum by (job) (rate(http_requests_total{job="api", code=~"5.."}[5m] offset 1m))',
  'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > bool 1',
  'a + on(b) group_left(c) fill(0) d',
  'foo[step()*2:1m] @ start() offset -(1h/2)',
  'topk(3, count_values("v", up)) unless absent(up{a!="b"})',
  '-2 ^ -foo offset 5m and bar[1m:] smoothed',
];

function check(q: string): void {
  try {
    const e = parseExpr(q);
    parseExpr(formatExpr(e));
  } catch (err) {
    if (!(err instanceof PromQLParseError)) assert.fail(`non-PromQLParseError for ${JSON.stringify(q)}: ${String(err)}`);
  }
}

test('fuzz: 10k random token streams and mutated queries', () => {
  const r = rng(20240601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const started = Date.now();
  for (let i = 0; i < 5000; i++) {
    const n = 1 + Math.floor(r() * 12);
    let q = '';
    for (let k = 0; k < n; k++) q += pick(PIECES) + (r() < 0.5 ? ' ' : '');
    check(q);
  }
  for (let i = 0; i < 5000; i++) {
    let q = pick(SEEDS);
    const edits = 1 + Math.floor(r() * 3);
    for (let k = 0; k < edits; k++) {
      const at = Math.floor(r() * (q.length + 1));
      const op = r();
      if (op < 0.33) q = q.slice(0, at) + q.slice(at + 1);
      else if (op < 0.66) q = q.slice(0, at) + pick(PIECES) + q.slice(at);
      else q = q.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + q.slice(at + 1);
    }
    check(q);
  }
  assert.ok(Date.now() - started < 20_000, 'fuzz took too long');
});

test('deep nesting is bounded by the input, not the stack of a hang', () => {
  check('('.repeat(500) + '1' + ')'.repeat(500));
  check('-'.repeat(500) + '1');
  check('1' + ' + 1'.repeat(2000));
});
