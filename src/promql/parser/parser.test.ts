import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher } from '../../model/index.js';
import {
  type Expr, FUNCTIONS, PromQLParseError, evalDurationExpr, exprToJson, exprType, formatExpr, parseExpr, parseMetricSelector,
} from './index.js';

/** The AST without positions, matchers as strings: what must survive print → parse. */
function shape(v: unknown): unknown {
  if (v instanceof Matcher) return v.toString();
  // Matcher order is not significant (the printer sorts them).
  if (Array.isArray(v) && v.every((x) => x instanceof Matcher)) return v.map(String).sort();
  if (Array.isArray(v)) return v.map(shape);
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'pos') out[k] = shape(x);
    return out;
  }
  return v;
}

function roundTrip(q: string): string {
  const e = parseExpr(q);
  const printed = formatExpr(e);
  assert.deepEqual(shape(parseExpr(printed)), shape(e), `round trip of ${q} via ${printed}`);
  const pretty = formatExpr(e, true);
  assert.deepEqual(shape(parseExpr(pretty)), shape(e), `pretty round trip of ${q}`);
  return printed;
}

// [input, expected String()]
const PRINTED: [string, string][] = [
  ['1', '1'],
  ['+Inf', '+Inf'],
  ['-Inf', '-Inf'],
  ['.5', '0.5'],
  ['5.', '5'],
  ['5e-3', '0.005'],
  ['0xc', '12'],
  ['0755', '493'],
  ['1_000', '1000'],
  ['NaN', 'NaN'],
  ['1e21', '1000000000000000000000'],
  ['1 + 1', '1 + 1'],
  ['1 == bool 1', '1 == bool 1'],
  ['-2^2', '-2 ^ 2'],
  ['2^3^2', '2 ^ 3 ^ 2'],
  ['foo', 'foo'],
  ['foo{bar="baz", a=~"b.*"}', 'foo{a=~"b.*",bar="baz"}'],
  ['{__name__="foo"}', '{__name__="foo"}'],
  ['{"foo.bar"}', '{__name__="foo.bar"}'],
  ['{"foo.bar", "a.b"="c"}', '{"a.b"="c",__name__="foo.bar"}'],
  ['foo:bar:baz', 'foo:bar:baz'],
  ['foo offset 5m', 'foo offset 5m'],
  ['foo offset -5m', 'foo offset -5m'],
  ['foo offset 1.5', 'foo offset 1s500ms'],
  ['foo @ 1603775019', 'foo @ 1603775019.000'],
  ['foo @ start()', 'foo @ start()'],
  ['foo @ end() offset 1h', 'foo @ end() offset 1h'],
  ['foo[5m]', 'foo[5m]'],
  ['foo[90s]', 'foo[1m30s]'],
  ['foo[14d]', 'foo[2w]'],
  ['foo[1800]', 'foo[30m]'],
  ['foo[5m] offset 1m @ 10', 'foo[5m] @ 10.000 offset 1m'],
  ['foo[5m:]', 'foo[5m:]'],
  ['foo[5m:1m] offset 10m', 'foo[5m:1m] offset 10m'],
  ['rate(foo[5m])[30m:1m]', 'rate(foo[5m])[30m:1m]'],
  ['foo[5m+1m]', 'foo[5m + 1m]'],
  ['foo[step()*2:range()]', 'foo[step() * 2:range()]'],
  ['foo offset (1h/2)', 'foo offset (1h / 2)'],
  ['foo offset -step()', 'foo offset -step()'],
  ['foo offset min_of(step(), 1s)', 'foo offset min_of(step(), 1s)'],
  ['foo[1m] anchored', 'foo[1m] anchored'],
  ['foo[1m] smoothed offset 1m', 'foo[1m] smoothed offset 1m'],
  ['sum by (job) (foo)', 'sum by (job) (foo)'],
  ['sum(foo) by (job)', 'sum by (job) (foo)'],
  ['sum without (a, b) (foo)', 'sum without (a, b) (foo)'],
  ['sum by () (foo)', 'sum(foo)'],
  ['sum by ("a.b") (foo)', 'sum by ("a.b") (foo)'],
  ['SUM BY (group) (x)', 'sum by (group) (x)'],
  ['topk(5, foo)', 'topk(5, foo)'],
  ['count_values("v", foo)', 'count_values("v", foo)'],
  ['quantile(0.9, foo)', 'quantile(0.9, foo)'],
  ['limitk(2, foo)', 'limitk(2, foo)'],
  ['limit_ratio(0.5, foo)', 'limit_ratio(0.5, foo)'],
  ['a + on(b) group_left(c) d', 'a + on (b) group_left (c) d'],
  ['a + ignoring(b) group_right d', 'a + ignoring (b) group_right () d'],
  ['a * on() b', 'a * on () b'],
  ['a and b', 'a and b'],
  ['a or on(x) b', 'a or on (x) b'],
  ['a > bool b', 'a > bool b'],
  ['a + fill(0) b', 'a + fill (0) b'],
  ['a + fill_left(1) fill_right(2) b', 'a + fill_left (1) fill_right (2) b'],
  ['a + fill_right(-Inf) b', 'a + fill_right (-Inf) b'],
  ['fill + fill', 'fill + fill'],
  ['a </ b', 'a </ b'],
  ['"str"', '"str"'],
  ["'it\\'s'", '"it\'s"'],
  ['`raw\\n`', '"raw\\\\n"'],
  ['"\\u00e9\\x41"', '"éA"'],
  ['(1 + 2) * 3', '(1 + 2) * 3'],
  ['-foo', '-foo'],
  ['- - 1', '1'],
  ['label_join(up, "a", ",", "b", "c")', 'label_join(up, "a", ",", "b", "c")'],
  ['round(up)', 'round(up)'],
  ['info(up, {a="b"})', 'info(up, {a="b"})'],
  ['time()', 'time()'],
  ['step()', 'step()'],
  ['sum # comment\n(foo)', 'sum(foo)'],
  ['sum', 'sum'],
  ['by', 'by'],
  ['offset', 'offset'],
  ['max_of(1, 2)', 'max_of(1, 2)'],
];

test('String(): canonical printing', () => {
  for (const [input, want] of PRINTED) assert.equal(roundTrip(input), want, input);
});

test('precedence and associativity', () => {
  const top = (q: string): string => {
    const e = parseExpr(q);
    return e.kind === 'BinaryExpr' ? e.op : e.kind;
  };
  assert.equal(top('a + b * c'), '+');
  assert.equal(top('a * b + c'), '+');
  assert.equal(top('a or b and c'), 'or');
  assert.equal(top('a and b or c'), 'or');
  assert.equal(top('a == b + c'), '==');
  assert.equal(top('a - b - c'), '-');
  const sub = parseExpr('a - b - c');
  assert.ok(sub.kind === 'BinaryExpr' && sub.lhs.kind === 'BinaryExpr', 'left-assoc');
  const pow = parseExpr('2 ^ 3 ^ 2');
  assert.ok(pow.kind === 'BinaryExpr' && pow.rhs.kind === 'BinaryExpr', '^ right-assoc');
  const neg = parseExpr('-2 ^ 2');
  assert.ok(neg.kind === 'UnaryExpr' && neg.expr.kind === 'BinaryExpr' && neg.expr.op === '^', 'unary minus looser than ^');
  const negMul = parseExpr('-a * b');
  assert.ok(negMul.kind === 'BinaryExpr' && negMul.lhs.kind === 'UnaryExpr', 'unary minus tighter than *');
  const off = parseExpr('foo offset 100 + 2');
  assert.ok(off.kind === 'BinaryExpr' && off.lhs.kind === 'VectorSelector' && off.lhs.offset === 100_000);
  const offPow = parseExpr('foo offset -2 ^ 2');
  assert.ok(offPow.kind === 'BinaryExpr' && offPow.op === '^' && offPow.lhs.kind === 'VectorSelector' && offPow.lhs.offset === -2000);
  const offParen = parseExpr('foo offset (2 * 2)');
  assert.ok(offParen.kind === 'VectorSelector' && offParen.offsetExpr !== undefined);
  assert.equal(evalDurationExpr(offParen.offsetExpr, { stepMs: 0, rangeMs: 0 }, true), 4000);
  const lit = parseExpr('-5');
  assert.ok(lit.kind === 'NumberLiteral' && lit.value === -5 && lit.pos.start === 0 && lit.pos.end === 2);
});

test('AST fields and types', () => {
  const m = parseExpr('rate(foo{a="b"}[5m] offset 1m @ end())');
  assert.equal(m.kind, 'Call');
  assert.ok(m.kind === 'Call' && m.args[0]?.kind === 'MatrixSelector');
  const ms = m.kind === 'Call' ? m.args[0] : undefined;
  assert.ok(ms?.kind === 'MatrixSelector');
  assert.equal(ms.range, 300_000);
  assert.equal(ms.vectorSelector.offset, 60_000);
  assert.equal(ms.vectorSelector.at, 'end');
  assert.deepEqual(ms.vectorSelector.matchers.map(String), ['a="b"', '__name__="foo"']);
  assert.deepEqual(ms.pos, { start: 5, end: 37 });
  assert.equal(exprType(m), 'vector');
  assert.equal(exprType(parseExpr('foo[5m:1m]')), 'matrix');
  assert.equal(exprType(parseExpr('1 + 1')), 'scalar');
  assert.equal(exprType(parseExpr('"a"')), 'string');
  const at = parseExpr('foo @ 1.5');
  assert.ok(at.kind === 'VectorSelector' && at.at === 1500);
  const b = parseExpr('a + on(x) group_left(y) b');
  assert.ok(b.kind === 'BinaryExpr');
  assert.deepEqual(b.vectorMatching, { card: 'many-to-one', on: true, matchingLabels: ['x'], include: ['y'], fillValues: { lhs: undefined, rhs: undefined } });
  const s = parseExpr('a and b');
  assert.ok(s.kind === 'BinaryExpr' && s.vectorMatching?.card === 'many-to-many');
  const sc = parseExpr('a + 1');
  assert.ok(sc.kind === 'BinaryExpr' && sc.vectorMatching === undefined);
  const sq = parseExpr('foo[5m:]');
  assert.ok(sq.kind === 'SubqueryExpr' && sq.step === 0 && sq.range === 300_000);
  const info = parseExpr('info(up, {a="b"})');
  assert.ok(info.kind === 'Call' && info.args[1]?.kind === 'VectorSelector' && info.args[1].bypassEmptyMatcherCheck);
  assert.equal(FUNCTIONS.get('info')?.experimental, true);
  assert.equal(FUNCTIONS.get('rate')?.experimental, false);
});

test('every function and aggregation parses and round-trips', () => {
  const argFor: Record<string, string> = { scalar: '1', vector: 'up', matrix: 'up[5m]', string: '"a"' };
  for (const f of FUNCTIONS.values()) {
    const args: string[] = f.argTypes.map((t) => argFor[t] ?? '');
    if (f.name === 'info') args[1] = '{a="b"}';
    const q = `${f.name}(${args.join(', ')})`;
    roundTrip(q);
  }
  for (const op of ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar']) {
    roundTrip(`${op}(up)`);
    roundTrip(`${op} by (a) (up)`);
    roundTrip(`${op}(up) without (a)`);
  }
  for (const op of ['topk', 'bottomk', 'quantile', 'limitk', 'limit_ratio']) roundTrip(`${op}(1, up)`);
  roundTrip('count_values("x", up)');
});

// [input, start, end, message]
const ERRORS: [string, number, number, string][] = [
  ['', 0, 0, 'no expression found in input'],
  ['1+', 2, 2, 'unexpected end of input'],
  ['*1', 0, 1, 'unexpected <op:*>'],
  ['(1))', 4, 4, "unexpected right parenthesis ')'"],
  ['((1)', 4, 4, 'unclosed left parenthesis'],
  ['2.5.', 0, 4, 'bad number or duration syntax: "2.5."'],
  ['1 and 1', 0, 7, 'set operator "and" not allowed in binary scalar expression'],
  ['1 == 1', 2, 3, 'comparisons between scalars must use BOOL modifier'],
  ['foo + bool bar', 4, 9, 'bool modifier can only be used on comparison operators'],
  ['-"string"', 0, 9, 'unary expression only allowed on expressions of type scalar or instant vector, got "string"'],
  ['1 offset 1d', 0, 1, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery'],
  ['foo offset 1s offset 2s', 0, 13, 'offset may not be set multiple times'],
  ['a - on(b) ignoring(c) d', 10, 18, 'unexpected <ignoring>'],
  ['foo + group_left(baz) bar', 6, 16, 'unexpected <group_left>'],
  ['foo and on(bar) group_left(baz) bar', 0, 35, 'no grouping allowed for "and" operation'],
  ['a + on(x) group_left(x) b', 2, 22, 'label "x" must not occur in ON and GROUP clause at once'],
  ['1 or on(bar) foo', 0, 16, 'vector matching only allowed between instant vectors'],
  ['foo @ NaN', 0, 3, 'timestamp out of bounds for @ modifier: NaN'],
  ['some_metric{a=b}', 14, 15, 'unexpected identifier "b" in label matching, expected string'],
  ['foo{gibberish}', 13, 14, 'unexpected "}" in label matching, expected label matching operator'],
  ['foo{,}', 4, 5, 'unexpected "," in label matching, expected identifier or "}"'],
  ['{}', 0, 2, 'vector selector must contain at least one non-empty matcher'],
  ['{x=~".*"}', 0, 9, 'vector selector must contain at least one non-empty matcher'],
  ['foo{__name__="bar"}', 0, 19, 'metric name must not be set twice: "foo" or "bar"'],
  ['foo[5m1h]', 4, 8, 'not a valid duration string: "5m1h"'],
  ['foo[5y1hs]', 4, 9, 'unknown unit "hs" in duration "5y1hs"'],
  ['foo[0m]', 4, 6, 'duration must be greater than 0'],
  ['foo[]', 4, 5, 'unexpected "]" in subquery or range selector, expected number, duration, step(), or range()'],
  ['foo[5m 1]', 7, 8, 'unexpected number "1" in subquery or range, expected ":" or "]"'],
  ['some_metric[5m] OFFSET', 22, 22, 'unexpected end of input in offset, expected number, duration, step(), or range()'],
  ['some_metric OFFSET 1m[5m]', 21, 25, 'no offset modifiers allowed before range'],
  ['some_metric[5m] @', 17, 17, 'unexpected end of input in @, expected timestamp'],
  ['(foo + bar)[5m]', 11, 15, 'ranges only allowed for vector selectors'],
  ['sum without(,)(some_metric)', 12, 13, 'unexpected "," in grouping opts, expected label'],
  ['sum some_metric by (test)', 4, 15, 'unexpected identifier "some_metric"'],
  ['sum (some_metric) by test', 21, 25, 'unexpected identifier "test" in grouping opts, expected "("'],
  ['sum (some_metric) without (test) by (test)', 33, 35, 'unexpected <by>'],
  ['sum () by (test)', 0, 16, 'no arguments for aggregate expression provided'],
  ['topk(some_metric)', 0, 17, 'wrong number of arguments for aggregate expression provided, expected 2, got 1'],
  ['topk(some_metric,)', 16, 17, 'trailing commas not allowed in function call args'],
  ['topk(some_metric, other_metric)', 5, 16, 'expected type scalar in aggregation parameter, got instant vector'],
  ['count_values(5, other_metric)', 13, 14, 'expected type string in aggregation parameter, got scalar'],
  ['floor()', 0, 7, 'expected 1 argument(s) in call to "floor", got 0'],
  ['hour(a, a, a)', 0, 13, 'expected at most 1 argument(s) in call to "hour", got 3'],
  ['label_join(a)', 0, 13, 'expected at least 3 argument(s) in call to "label_join", got 1'],
  ['non_existent()', 0, 12, 'unknown function with name "non_existent"'],
  ['rate(some_metric)', 5, 16, 'expected type range vector in call to function "rate", got instant vector'],
  ['histogram_quantile(0.99, http_request_duration_seconds[5m]) > 1', 25, 58,
    'expected type instant vector in call to function "histogram_quantile", got range vector'],
  ['foo[5m] + 1', 0, 7, 'binary expression must contain only scalar and instant vector types'],
  ['"\\c"', 0, 4, "unknown escape sequence U+0063 'c'"],
  ['foo[5s/0d]', 6, 7, 'division by zero'],
  ['foo offset 9.5e10', 11, 17, 'duration out of range'],
  ['foo[5s x 5s]', 7, 12, "unexpected character: 'x', expected ':'"],
  ['1[5m] smoothed', 1, 5, 'ranges only allowed for vector selectors'],
  ['foo[1m:5m] anchored', 0, 10, 'anchored modifier is not supported for subqueries'],
  ['test[5d] OFFSET 10s [10m:5s]', 0, 28, 'subquery is only allowed on instant vector, got matrix instead'],
  ['info(up, target_info{foo="bar"})', 9, 31, 'expected label selectors only, got vector selector instead'],
  ['a + fill(0) 1', 0, 13, 'filling in missing series only allowed between instant vectors'],
  ['a and fill(0) b', 0, 15, 'filling in missing series not allowed for set operators'],
];

test('errors: Prometheus messages and positions', () => {
  for (const [input, start, end, msg] of ERRORS) {
    assert.throws(() => parseExpr(input), (err: unknown) => {
      assert.ok(err instanceof PromQLParseError, `${input}: ${String(err)}`);
      assert.equal(err.detail, msg, input);
      assert.deepEqual(err.positionRange, { start, end }, `${input}: ${err.message}`);
      return true;
    });
  }
  assert.throws(() => parseExpr('1+'), { message: '1:3: parse error: unexpected end of input' });
  assert.throws(() => parseExpr('foo\n  + '), { message: '2:5: parse error: unexpected end of input' });
});

test('parseMetricSelector', () => {
  assert.deepEqual(parseMetricSelector('up{job="a"}').map(String), ['job="a"', '__name__="up"']);
  assert.deepEqual(parseMetricSelector('{__name__=~"a.*"}').map(String), ['__name__=~"a.*"']);
  assert.deepEqual(parseMetricSelector('sum').map(String), ['__name__="sum"']);
  assert.throws(() => parseMetricSelector('up + 1'), { message: '1:4: parse error: unexpected <op:+>' });
  assert.throws(() => parseMetricSelector('rate(up[5m])'), PromQLParseError);
});

test('pretty printing splits long expressions', () => {
  const q = 'sum by (job, instance) (rate(http_requests_total{job="api-server", handler="/api/v1/query"}[5m])) / on (job) group_left () sum by (job) (up)';
  const out = formatExpr(parseExpr(q), true);
  assert.ok(out.includes('\n'));
  assert.equal(out.split('\n')[1], '/ on (job) group_left ()');
  assert.deepEqual(shape(parseExpr(out)), shape(parseExpr(q)));
  assert.equal(formatExpr(parseExpr('up'), true), 'up');
  // Narrow width, as Prometheus' prettier tests do.
  assert.equal(formatExpr(parseExpr('foo_1 + foo_2 + foo_3'), true, 10), '    foo_1\n  +\n    foo_2\n+\n  foo_3');
  assert.equal(formatExpr(parseExpr('histogram_quantile(0.9, rate(foo[1m]))'), true, 10),
    'histogram_quantile(\n  0.9,\n  rate(\n    foo[1m]\n  )\n)');
  assert.equal(formatExpr(parseExpr('-(a + b)'), true, 5), '-(\n  a + b\n)');
});

test('parse_query JSON in Prometheus shape', () => {
  const j = exprToJson(parseExpr('sum by (a) (rate(foo{x="y"}[5m] offset 1m))'));
  assert.deepEqual(j, {
    expr: {
      args: [{
        anchored: false, matchers: [{ name: 'x', type: '=', value: 'y' }, { name: '__name__', type: '=', value: 'foo' }],
        name: 'foo', offset: 60000, offsetExpr: null, range: 300000, rangeExpr: null, smoothed: false, startOrEnd: null,
        timestamp: null, type: 'matrixSelector',
      }],
      func: { argTypes: ['matrix'], name: 'rate', returnType: 'vector', variadic: 0 },
      type: 'call',
    },
    grouping: ['a'], op: 'sum', param: null, type: 'aggregation', without: false,
  });
  const e: Expr = parseExpr('1');
  assert.deepEqual(exprToJson(e), { type: 'numberLiteral', val: '1' });
});
