import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MatcherParseError, formatMatcher, parseMatcher, parseMatchers } from './parse.js';

const show = (s: string): string[] => parseMatchers(s).map(formatMatcher);

test('Alertmanager matcher syntax: bare and quoted values, lists in braces, the four operators', () => {
  assert.deepEqual(show('alertname = Watchdog'), ['alertname="Watchdog"']);
  assert.deepEqual(show('severity=~"warning|critical"'), ['severity=~"warning|critical"']);
  assert.deepEqual(show('{foo="bar", baz!~"qu+x",}'), ['foo="bar"', 'baz!~"qu+x"']);
  assert.deepEqual(show('{a!=b,c=~d.*}'), ['a!="b"', 'c=~"d.*"']);
  assert.deepEqual(show('{}'), []);
  assert.deepEqual(show('msg="a \\"quoted\\" \\\\ value, with comma"'), ['msg="a \\"quoted\\" \\\\ value, with comma"']);
  assert.equal(parseMatcher('x="\\u00e9t\\u00e9"').value, 'été');
  const re = parseMatcher('instance=~"web-.*"');
  assert.ok(re.matches('web-1'));
  assert.ok(!re.matches('xweb-1'), 'anchored');
  assert.ok(parseMatcher('a!="b"').matches(''));
});

test('hostile matcher input gives a MatcherParseError naming the position, never a crash', () => {
  const cases: [string, RegExp][] = [
    ['', /expected a matcher/],
    ['   ', /expected a matcher/],
    ['{a="b"', /expected "}"/],
    ['{a="b"} junk', /unexpected text after "}"/],
    ['=b', /expected a label name/],
    ['a b', /expected an operator/],
    ['a=="b"', /must itself be in double quotes/],
    ['a="unterminated', /unterminated quoted string/],
    ['a="bad \\q escape"', /invalid escape \\q/],
    ['a="\\u12"', /invalid escape/],
    ['a=~"("', /invalid regular expression/],
    ['a="b" c="d"', /expected "," between matchers/],
    ['{,}', /expected a label name/],
    ['\u0000=\u0000', /invalid label name/],
    ['1a=b', /invalid label name "1a"/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseMatchers(input), (e: unknown) => e instanceof MatcherParseError && re.test(e.message) && e.message.includes(JSON.stringify(input)), `input ${JSON.stringify(input)}`);
  }
  assert.throws(() => parseMatcher('{a="b",c="d"}'), /exactly one matcher/);
  for (let i = 0; i < 500; i++) {
    const junk = Array.from({ length: 1 + (i % 17) }, (_, j) => '{}=!~",\\ab \u00e9'[(i * 7 + j * 13) % 15]).join('');
    try {
      parseMatchers(junk);
    } catch (e) {
      assert.ok(e instanceof MatcherParseError, `${JSON.stringify(junk)}: ${String(e)}`);
    }
  }
});
