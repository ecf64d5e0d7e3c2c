import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SelectorError, parseSeriesSelector } from './selector.js';

const show = (text: string): string[] => parseSeriesSelector(text).map((m) => m.toString());

describe('parseSeriesSelector', () => {
  it('parses names, matchers, quotes and escapes', () => {
    assert.deepEqual(show('up'), ['__name__="up"']);
    assert.deepEqual(show(' up { job = "a" , instance=~"web.*", x!="", y!~`a\\b`, } '), ['__name__="up"', 'job="a"', 'instance=~"web.*"', 'x!=""', 'y!~"a\\\\b"']);
    assert.deepEqual(show(`{job='it\\'s',__name__=~"node_.+"}`), ['job="it\'s"', '__name__=~"node_.+"']);
    assert.deepEqual(show('{a="\\n\\t\\u00e9\\x41"}'), ['a="\\n\\té\\u0041"'.replace('\\u0041', 'A')]);
    assert.deepEqual(show('ns:metric:rate5m'), ['__name__="ns:metric:rate5m"']);
  });
  for (const bad of ['', '{}', '{job=~".*"}', 'up{', 'up{job}', 'up{job="a"', 'up{job="a" x="b"}', 'up{1a="b"}', 'up{a=~"("}', 'up extra', '{a="\\q"}', '{a=b}', '"up"']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseSeriesSelector(bad), SelectorError));
  }
  it('says where', () => {
    assert.throws(() => parseSeriesSelector('up{job="a" x="b"}'), /at char 12: expected "," or "}"/);
  });
});
