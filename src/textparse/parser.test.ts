import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type EntryKind,
  type ExpositionFormat,
  ExpositionParseError,
  ExpositionParser,
  SCRAPE_ACCEPT_HEADER,
  decodeExposition,
  formatFromContentType,
} from './index.js';

interface Row {
  kind: EntryKind;
  line: number;
  series?: string;
  name?: string;
  labels?: [string, string][];
  value?: number;
  ts?: number | undefined;
  text?: string;
}

function rows(text: string, format: ExpositionFormat): Row[] {
  const p = new ExpositionParser(text, format);
  const out: Row[] = [];
  for (let k = p.next(); k !== undefined; k = p.next()) {
    switch (k) {
      case 'series':
        out.push({ kind: k, line: p.line, series: p.seriesText(), name: p.metricName(), labels: p.labelPairs(), value: p.value(), ts: p.timestamp() });
        break;
      case 'type':
        out.push({ kind: k, line: p.line, name: p.familyName(), text: p.familyType() });
        break;
      case 'help':
        out.push({ kind: k, line: p.line, name: p.familyName(), text: p.helpText() });
        break;
      case 'unit':
        out.push({ kind: k, line: p.line, name: p.familyName(), text: p.unit() });
        break;
      case 'comment':
        out.push({ kind: k, line: p.line, text: p.commentText() });
        break;
    }
  }
  return out;
}

function parseError(text: string, format: ExpositionFormat): ExpositionParseError {
  try {
    rows(text, format);
  } catch (e) {
    assert.ok(e instanceof ExpositionParseError, `not an ExpositionParseError: ${String(e)}`);
    return e;
  }
  assert.fail(`parsed: ${JSON.stringify(text)}`);
}

test('content type and Accept header', () => {
  assert.equal(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
  assert.equal(formatFromContentType('Application/OpenMetrics-Text'), 'openmetrics');
  assert.equal(formatFromContentType('text/plain; version=0.0.4'), 'prometheus');
  assert.equal(formatFromContentType(undefined), 'prometheus');
  assert.equal(formatFromContentType('application/json'), 'prometheus');
  assert.match(SCRAPE_ACCEPT_HEADER, /^application\/openmetrics-text;version=1\.0\.0.*text\/plain;version=0\.0\.4/);
});

test('Prometheus text: metadata, comments, blank lines, series and lines', () => {
  const text = '# HELP a The a\\\\ help\\n "x"\n# TYPE a counter\n\n  a{x="1" , y="2",} 3 1700000000000\n# EOF\n# random\nb +Inf\nc{}  NaN  \n';
  const r = rows(text, 'prometheus');
  assert.deepEqual(r.map((x) => [x.kind, x.line]), [['help', 1], ['type', 2], ['series', 4], ['comment', 5], ['comment', 6], ['series', 7], ['series', 8]]);
  assert.equal(r[0]!.text, 'The a\\ help\n "x"');
  assert.equal(r[1]!.text, 'counter');
  assert.deepEqual(r[2], { kind: 'series', line: 4, series: 'a{x="1" , y="2",}', name: 'a', labels: [['x', '1'], ['y', '2']], value: 3, ts: 1700000000000 });
  assert.equal(r[3]!.text, 'EOF');
  assert.equal(r[5]!.value, Infinity);
  assert.ok(Number.isNaN(r[6]!.value));
  assert.equal(r[6]!.series, 'c{}');
});

test('Prometheus text: label escaping and raw newlines in values', () => {
  const r = rows('a{p="C:\\\\dir\\\\",q="say \\"hi\\"",r="l1\\nl2",s="\\z"} 1\nb{v="multi\nline"} 2\nc 3\n', 'prometheus');
  assert.deepEqual(r[0]!.labels, [['p', 'C:\\dir\\'], ['q', 'say "hi"'], ['r', 'l1\nl2'], ['s', '\\z']]);
  assert.deepEqual(r[1]!.labels, [['v', 'multi\nline']]);
  assert.equal(r[2]!.line, 4);
});

test('values: NaN, Inf forms, exponents, leading zeros; bad forms rejected', () => {
  const v = (s: string): number => rows(`a ${s}\n`, 'prometheus')[0]!.value!;
  assert.equal(v('+Inf'), Infinity);
  assert.equal(v('-Inf'), -Infinity);
  assert.equal(v('inf'), Infinity);
  assert.equal(v('Infinity'), Infinity);
  assert.ok(Number.isNaN(v('NaN')));
  assert.ok(Number.isNaN(v('nan')));
  assert.equal(v('1.5e3'), 1500);
  assert.equal(v('-.5'), -0.5);
  assert.equal(v('007'), 7);
  assert.equal(v('9223372036854775808'), 9223372036854775808);
  assert.equal(v('1.'), 1);
  for (const bad of ['0x1p-3', '1_000', '0x10', '1e', '.', '-', '1e400', 'one', '1.2.3']) {
    assert.match(parseError(`a ${bad}\n`, 'prometheus').message, /line 1, column 3: expected a number as the value/, bad);
  }
});

test('timestamps: Prometheus text ms integers, OpenMetrics float seconds', () => {
  assert.equal(rows('a 1 123\n', 'prometheus')[0]!.ts, 123);
  assert.equal(rows('a 1\n', 'prometheus')[0]!.ts, undefined);
  assert.match(parseError('a 1 -5\n', 'prometheus').message, /column 5: expected a timestamp/);
  assert.match(parseError('a 1 1.5\n', 'prometheus').message, /column 6: expected end of line after the timestamp/);
  assert.match(parseError('a 1 99999999999999999999\n', 'prometheus').message, /out of range/);
  const om = rows('a 1 1.5\nb 1 1001.001\nc 1 -2\nd 1 1e3\n# EOF\n', 'openmetrics');
  assert.deepEqual(om.map((r) => r.ts), [1500, 1001001, -2000, 1000000]);
  assert.match(parseError('a 1 NaN\n# EOF\n', 'openmetrics').message, /expected a timestamp/);
});

test('OpenMetrics: metadata, unit, escaping in HELP, EOF handling', () => {
  const r = rows('# TYPE x_seconds counter\n# UNIT x_seconds seconds\n# HELP x_seconds a \\"b\\" \\\\ \\n c\nx_seconds_total 1\nx_seconds_created 1.7e9\n# EOF', 'openmetrics');
  assert.deepEqual(r.map((x) => x.kind), ['type', 'unit', 'help', 'series', 'series']);
  assert.equal(r[1]!.text, 'seconds');
  assert.equal(r[2]!.text, 'a "b" \\ \n c');
  assert.equal(parseError('a 1\n', 'openmetrics').line, 2);
  assert.equal(parseError('a 1\n# EOF\n\n', 'openmetrics').line, 3);
  assert.equal(parseError('# comment\n# EOF\n', 'openmetrics').line, 1);
  // Prometheus text: the HELP escape set has no \" (kept as is).
  assert.equal(rows('# HELP a \\"x\\"\n', 'prometheus')[0]!.text, '\\"x\\"');
});

test('OpenMetrics exemplars', () => {
  const p = new ExpositionParser('# TYPE a counter\na_total{x="1"} 5 100 # {trace_id="abc\\"d"} 2.5 99.5\na_total{x="2"} 6 # {} 1\n# EOF\n', 'openmetrics');
  assert.equal(p.next(), 'type');
  assert.equal(p.next(), 'series');
  assert.equal(p.seriesText(), 'a_total{x="1"}');
  assert.equal(p.timestamp(), 100000);
  assert.deepEqual(p.exemplar(), { labels: [['trace_id', 'abc"d']], value: 2.5, timestamp: 99500 });
  assert.equal(p.next(), 'series');
  assert.deepEqual(p.exemplar(), { labels: [], value: 1, timestamp: undefined });
  assert.equal(p.next(), undefined);
  assert.equal(p.next(), undefined);
  assert.match(parseError('# TYPE a gauge\na 1 # {x="y"} 1\n# EOF\n', 'openmetrics').message, /line 2.*exemplars are allowed only/);
  assert.match(parseError(`# TYPE a counter\na_total 1 # {x="${'y'.repeat(128)}"} 1\n# EOF\n`, 'openmetrics').message, /at most 128/);
});

test('errors name the line and column and what was expected', () => {
  const cases: [string, ExpositionFormat, number, number, RegExp][] = [
    ['a 1\nb{x="1",x="2"} 1\n', 'prometheus', 2, 9, /duplicate label name "x"/],
    ['a 1\n\nb{1x="1"} 1\n', 'prometheus', 3, 3, /expected a label name/],
    ['a{x="1} 1\n', 'prometheus', 1, 5, /unterminated label value/],
    ['a{x=1} 1\n', 'prometheus', 1, 5, /expected a label value in double quotes/],
    ['a{__name__="b"} 1\n', 'prometheus', 1, 3, /reserved/],
    ['# TYPE a countr\n', 'prometheus', 1, 10, /expected a metric type/],
    ['# HELP 1a x\n', 'prometheus', 1, 8, /expected a metric name after HELP/],
    ['a\n', 'prometheus', 1, 2, /expected a value/],
    ['a{x="v\nw"} 1 2 3\n', 'prometheus', 2, 9, /expected end of line after the timestamp/],
    ['a{x="1" y="2"} 1\n# EOF\n', 'openmetrics', 1, 8, /expected "," or "}"/],
    ['a  1\n# EOF\n', 'openmetrics', 1, 3, /expected a value/],
    ['# TYPE a untyped\n# EOF\n', 'openmetrics', 1, 10, /expected a metric type/],
  ];
  for (const [text, format, line, column, re] of cases) {
    const e = parseError(text, format);
    assert.deepEqual([e.line, e.column], [line, column], `${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, re);
    assert.match(e.message, new RegExp(`^line ${line}, column ${column}: `));
  }
});

test('OpenMetrics family rules: clashes, interleaving, metadata placement', () => {
  assert.match(parseError('# TYPE a counter\na 1\n# EOF\n', 'openmetrics').message, /clashes/);
  assert.match(parseError('a{x="1"} 1\na{x="2"} 1\na{x="1"} 1\n# EOF\n', 'openmetrics').message, /line 3.*contiguous/);
  assert.match(parseError('# TYPE a gauge\na 1\n# HELP a h\n# EOF\n', 'openmetrics').message, /line 3.*before its samples/);
  assert.match(parseError('# TYPE a gauge\n# TYPE b gauge\n# TYPE a gauge\n# EOF\n', 'openmetrics').message, /clashes/);
  // The same in the Prometheus text format is accepted, as Prometheus does.
  assert.equal(rows('# TYPE a gauge\na 1\n# TYPE a gauge\n# HELP a h\na 2\n', 'prometheus').length, 5);
});

test('strict OpenMetrics value rules are opt-in', () => {
  const text = '# TYPE a counter\na_total -1\n# EOF\n';
  assert.equal(rows(text, 'openmetrics').length, 2);
  assert.throws(() => {
    const p = new ExpositionParser(text, 'openmetrics', { strict: true });
    while (p.next() !== undefined);
  }, /line 2, column 1: a _total value may not be negative/);
});

test('decodeExposition rejects invalid UTF-8 with line and column', () => {
  assert.equal(decodeExposition(new TextEncoder().encode('a{x="é"} 1\n')), 'a{x="é"} 1\n');
  const bytes = Uint8Array.from([...new TextEncoder().encode('a 1\nb{x="'), 0xc3, 0x28, ...new TextEncoder().encode('"} 1\n')]);
  assert.throws(() => decodeExposition(bytes), (e: unknown) => e instanceof ExpositionParseError && e.line === 2 && e.column === 6);
  assert.throws(() => decodeExposition(Uint8Array.from([0xed, 0xa0, 0x80])), ExpositionParseError); // encoded surrogate
  assert.throws(() => decodeExposition(Uint8Array.from([0xc0, 0xaf])), ExpositionParseError); // overlong
});

test('lone surrogates (never produced by decoding) are replaced by U+FFFD', () => {
  assert.deepEqual(rows('a{x="a\ud800"} 1\n', 'prometheus')[0]!.labels, [['x', 'a\ufffd']]);
  assert.equal(rows('# HELP a x\udc00y\n', 'prometheus')[0]!.text, 'x\ufffdy');
  assert.deepEqual(rows('a{x="😀"} 1\n', 'prometheus')[0]!.labels, [['x', '😀']]);
});
