import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFromRecord, type Labels } from '../model/index.js';
import { compileAnchored, parseRelabelConfigs, relabel, RelabelConfigError } from './index.js';

const rec = (l: Labels | undefined): Record<string, string> | undefined => (l === undefined ? undefined : Object.fromEntries(l.map((x) => [x.name, x.value])));
const run = (input: Record<string, string>, rules: unknown[]): Record<string, string> | undefined => rec(relabel(labelsFromRecord(input), parseRelabelConfigs(rules)));

// Cases from Prometheus' model/relabel/relabel_test.go (TestRelabel), plus Go Expand edge cases.
const cases: { name: string; input: Record<string, string>; rules: unknown[]; want: Record<string, string> | undefined }[] = [
  { name: 'replace with template', input: { a: 'foo', b: 'bar', c: 'baz' }, rules: [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }], want: { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' } },
  { name: 'replace over several sources and rules', input: { a: 'foo', b: 'bar', c: 'baz' }, rules: [{ source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' }, { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' }], want: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' } },
  { name: 'drop on match', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }, { source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'x' }], want: undefined },
  { name: 'keep on no match drops', input: { a: 'boo' }, rules: [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], want: undefined },
  { name: 'regex is anchored', input: { a: 'boo' }, rules: [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }], want: { a: 'boo' } },
  { name: 'keep with empty regex keeps only missing label', input: { a: 'foo' }, rules: [{ source_labels: ['b'], regex: '', action: 'keep' }], want: { a: 'foo' } },
  { name: 'hashmod (Prometheus value)', input: { a: 'foo', b: 'bar', c: 'baz' }, rules: [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }], want: { a: 'foo', b: 'bar', c: 'baz', d: '976' } },
  { name: 'hashmod with newline', input: { a: 'foo\nbar' }, rules: [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }], want: { a: 'foo\nbar', b: '734' } },
  { name: 'labelmap', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }], want: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' } },
  { name: 'labelmap __meta_', input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' }, rules: [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }], want: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' } },
  { name: 'target label from template', input: { a: 'some-name-value' }, rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', action: 'replace', replacement: '${2}', target_label: '${1}' }], want: { a: 'some-name-value', name: 'value' } },
  { name: 'invalid target from template is skipped', input: { a: 'some-name-0' }, rules: [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', action: 'replace', replacement: '${1}', target_label: '${3}' }, { source_labels: ['a'], regex: 'some-name-(.*)', replacement: 'x', target_label: '${1}' }], want: { a: 'some-name-0' } },
  { name: 'empty replacement deletes the target', input: { a: 'foo', b: 'bar' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: '' }], want: { a: 'foo' } },
  { name: 'missing source sets a constant (fast path)', input: { a: 'foo' }, rules: [{ target_label: 'env', replacement: 'prod' }], want: { a: 'foo', env: 'prod' } },
  { name: 'unmatched group expands to empty', input: { a: 'foo' }, rules: [{ source_labels: ['a'], regex: '(f)(x)?oo', target_label: 'b', replacement: '[$2]' }], want: { a: 'foo', b: '[]' } },
  { name: '$1x is group "1x" (empty), ${1}x is not', input: { a: 'foo' }, rules: [{ source_labels: ['a'], target_label: 'b', replacement: '$1x' }, { source_labels: ['a'], target_label: 'c', replacement: '${1}x' }, { source_labels: ['a'], target_label: 'd', replacement: '$$1 ${1' }], want: { a: 'foo', c: 'foox', d: '$1 ${1' } },
  { name: 'named groups (?P<n>) and $n', input: { a: 'host:9100' }, rules: [{ source_labels: ['a'], regex: '(?P<host>[^:]+):(?<port>\\d+)', target_label: 'b', replacement: '$port-${host}' }], want: { a: 'host:9100', b: '9100-host' } },
  { name: 'dot matches newline', input: { a: 'foo\nbar' }, rules: [{ source_labels: ['a'], regex: 'foo.bar', action: 'keep' }], want: { a: 'foo\nbar' } },
  { name: 'separator', input: { a: 'x', b: 'y' }, rules: [{ source_labels: ['a', 'b', 'missing'], separator: '/', target_label: 'c' }], want: { a: 'x', b: 'y', c: 'x/y/' } },
  { name: 'lowercase', input: { a: 'FoO' }, rules: [{ source_labels: ['a'], target_label: 'a', action: 'lowercase' }], want: { a: 'foo' } },
  { name: 'uppercase into a new label', input: { a: 'foo', b: 'bar' }, rules: [{ source_labels: ['a', 'b'], target_label: 'c', action: 'Uppercase' }], want: { a: 'foo', b: 'bar', c: 'FOO;BAR' } },
  { name: 'keepequal keeps', input: { a: 'x', b: 'x' }, rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }], want: { a: 'x', b: 'x' } },
  { name: 'keepequal drops', input: { a: 'x', b: 'y' }, rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }], want: undefined },
  { name: 'dropequal drops', input: { a: 'x', b: 'x' }, rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }], want: undefined },
  { name: 'dropequal keeps (missing target is empty)', input: { a: 'x' }, rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }], want: { a: 'x' } },
  { name: 'labeldrop', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labeldrop' }], want: { a: 'foo' } },
  { name: 'labelkeep', input: { a: 'foo', b1: 'bar', b2: 'baz' }, rules: [{ regex: '(b.*)', action: 'labelkeep' }], want: { b1: 'bar', b2: 'baz' } },
  { name: 'case-insensitive leading (?i)', input: { a: 'FOO' }, rules: [{ source_labels: ['a'], regex: '(?i)foo', action: 'keep' }], want: { a: 'FOO' } },
  { name: 'RE2 literal { and \\Q..\\E', input: { a: 'a{,3}.*' }, rules: [{ source_labels: ['a'], regex: 'a{,3}\\Q.*\\E', action: 'keep' }], want: { a: 'a{,3}.*' } },
  { name: 'POSIX class and \\s', input: { a: '12 ab' }, rules: [{ source_labels: ['a'], regex: '[[:digit:]]+\\s[[:alpha:]]+', action: 'keep' }], want: { a: '12 ab' } },
];

for (const c of cases) {
  test(`relabel: ${c.name}`, () => {
    assert.deepEqual(run(c.input, c.rules), c.want);
  });
}

test('relabel returns the same labels when there are no rules', () => {
  const l = labelsFromRecord({ a: 'b' });
  assert.equal(relabel(l, []), l);
});

const invalid: [string, unknown, RegExp][] = [
  ['hashmod without modulus', { source_labels: ['a'], target_label: 'b', action: 'hashmod' }, /requires non-zero modulus/],
  ['replace without target', { source_labels: ['a'] }, /requires 'target_label' value/],
  ['invalid target label', { source_labels: ['a'], target_label: '0abc' }, /"0abc" is invalid 'target_label' for replace action/],
  ['invalid template target', { source_labels: ['a'], target_label: '${1}-x' }, /is invalid 'target_label'/],
  ['lowercase with replacement', { source_labels: ['a'], target_label: 'b', action: 'lowercase', replacement: 'x' }, /'replacement' can not be set for lowercase action/],
  ['keepequal with regex', { source_labels: ['a'], target_label: 'b', action: 'keepequal', regex: '(.*)' }, /requires only 'source_labels' and 'target_label'/],
  ['labeldrop with source_labels', { source_labels: ['a'], regex: 'x', action: 'labeldrop' }, /requires only 'regex'/],
  ['labelmap invalid replacement', { regex: '(.*)', replacement: 'a-b', action: 'labelmap' }, /is invalid 'replacement' for labelmap action/],
  ['unknown action', { action: 'explode' }, /unknown relabel action "explode"/],
  ['empty action', { action: '', target_label: 'x' }, /relabel action cannot be empty/],
  ['invalid source label', { source_labels: ['a-b'], target_label: 'x' }, /"a-b" is not a valid label name/],
  ['unknown key', { sources: ['a'] }, /sources|Unrecognized/i],
  ['bad regex', { source_labels: ['a'], regex: '(', target_label: 'x' }, /invalid regular expression "\(": missing closing \)/],
];
for (const [name, raw, re] of invalid) {
  test(`relabel config rejected: ${name}`, () => {
    assert.throws(() => parseRelabelConfigs([raw]), (e: unknown) => e instanceof RelabelConfigError && re.test(e.message));
  });
}

test('scoped case-insensitive groups are translated, not refused', () => {
  const re = compileAnchored('a(?i:b[c-d])e((?i)f)g');
  for (const ok of ['abce', 'aBDe']) assert.ok(!re.test(ok), `incomplete ${ok}`);
  assert.ok(re.test('aBcefg') && re.test('abDeFg'));
  assert.ok(!re.test('AbceFg'), 'case outside the scope still matters');
  assert.ok(!re.test('abceFG'), '(?i) ends with its group');
});

test('RE2 constructs without a faithful JS equivalent are refused clearly', () => {
  const bad: [string, RegExp][] = [
    ['(a)\\1', /backreferences/],
    ['(?=a)b', /lookahead and lookbehind/],
    ['(?<!a)b', /lookahead and lookbehind/],
    ['(?P=n)', /backreferences/],
    ['a{1001}', /invalid repeat count/],
    ['a{2,1}', /invalid repeat count/],
    ['(?m)^a$', /flag group \(\?m\) is not supported/],
    ['a(?-i:b)', /flag group/],
    ['(?U)a*', /flag group/],
    ['a**', /nested repetition/],
    ['*a', /missing argument/],
    ['a\\', /trailing backslash/],
    ['\\q', /invalid escape sequence \\q/],
    ['[a', /missing closing \]/],
    ['a)', /unexpected \)/],
    ['\\p{Klingon}', /unknown Unicode class/],
    ['[[:foo:]]', /invalid POSIX class/],
  ];
  for (const [p, re] of bad) assert.throws(() => compileAnchored(p), re, p);
});

test('RE2 translations match like Go', () => {
  const ok: [string, string, boolean][] = [
    ['\\Aab\\z', 'ab', true],
    ['[]a]+', ']a]', true],
    ['[^a]', '\n', true],
    ['\\s', '\v', false], // RE2 \s is [\t\n\f\r ]
    ['\\s', '\f', true],
    ['\\pL+', 'été', true],
    ['\\p{Greek}+', 'αβ', true],
    ['\\PL', 'a', false],
    ['\\x{41}\\x42\\101', 'ABA', true],
    ['\\-\\#\\:\\@\\<', '-#:@<', true],
    ['[a\\-z]+', 'a-z', true],
    ['[\\d\\s]+', '1 2', true],
    ['[\\S]', ' ', false],
    ['x{2}', 'xx', true],
    ['a}', 'a}', true],
    ['(?s).', '\n', true],
    ['(?s:a.)', 'a\n', true],
    ['a|', '', true],
    ['(?:x|)+y', 'xxy', true],
    ['\\.', 'a', false],
  ];
  for (const [p, s, want] of ok) assert.equal(compileAnchored(p).test(s), want, `${p} on ${JSON.stringify(s)}`);
});

test('hostile input sizes stay fast', () => {
  // Deep nesting, long alternations and a long value are compiled and run without trouble.
  const deep = '('.repeat(200) + 'a' + ')'.repeat(200);
  assert.ok(compileAnchored(deep).test('a'));
  const alt = Array.from({ length: 2000 }, (_, i) => `v${i}`).join('|');
  assert.ok(compileAnchored(alt).test('v1999'));
  const t0 = performance.now();
  assert.ok(!compileAnchored('.*foo.*bar.*').test('x'.repeat(100_000)));
  assert.ok(performance.now() - t0 < 2000);
});
