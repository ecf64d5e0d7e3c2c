import { describe, expect, it } from 'vitest';
import { MatcherSyntaxError, formatMatchers, parseMatchers, silenceForAlert, silenceMatches, splitByState, type Silence } from './silences';

describe('silence from an alert', () => {
  it('matches every label of the alert, alertname first, for 2 h by default', () => {
    const s = silenceForAlert({ severity: 'critical', alertname: 'Down', instance: 'a:1' }, 'admin', 'deploy', Date.parse('2026-01-01T10:00:00Z'));
    expect(s.matchers.map((m) => m.name)).toEqual(['alertname', 'instance', 'severity']);
    expect(s.matchers.every((m) => m.isEqual && !m.isRegex)).toBe(true);
    expect(s.startsAt).toBe('2026-01-01T10:00:00.000Z');
    expect(s.endsAt).toBe('2026-01-01T12:00:00.000Z');
    expect(s.createdBy).toBe('admin');
    expect(silenceMatches(s.matchers, { alertname: 'Down', instance: 'a:1', severity: 'critical' })).toBe(true);
    expect(silenceMatches(s.matchers, { alertname: 'Down', instance: 'b:1', severity: 'critical' })).toBe(false);
  });
});

describe('matcher text', () => {
  it('round-trips every operator and escapes', () => {
    const ms = parseMatchers('{alertname="Down", job=~"node|web", env!="dev", path!~"/a\\"b.*",}');
    expect(ms).toEqual([
      { name: 'alertname', value: 'Down', isRegex: false, isEqual: true },
      { name: 'job', value: 'node|web', isRegex: true, isEqual: true },
      { name: 'env', value: 'dev', isRegex: false, isEqual: false },
      { name: 'path', value: '/a"b.*', isRegex: true, isEqual: false },
    ]);
    expect(parseMatchers(formatMatchers(ms))).toEqual(ms);
    expect(parseMatchers(' a = "1" , b="2" ')).toHaveLength(2);
  });
  it('refuses hostile input with what and where', () => {
    const cases: [string, RegExp][] = [
      ['', /at least one matcher/],
      ['{}', /at least one matcher/],
      ['{a="b"', /expected "}"/],
      ['{a="b"} extra', /unexpected text after "}" at character 9/],
      ['{1a="b"}', /expected a label name.* at character 2/],
      ['{a=="b"}', /double-quoted value for "a"/],
      ['{a<"b"}', /expected one of = != =~ !~ after "a"/],
      ['{a="b}', /unterminated value for "a"/],
      ['{a="\\q"}', /invalid escape/],
      ['{a=~"(("}', /invalid regular expression/],
      ['{a="b" c="d"}', /expected "," or "}"/],
      ['a="b" c', /expected "," or "}"/],
      ['{a="b"}}', /unexpected text/],
      ['\u0000', /expected a label name/],
    ];
    for (const [text, re] of cases) {
      expect(() => parseMatchers(text), text).toThrow(MatcherSyntaxError);
      expect(() => parseMatchers(text), text).toThrow(re);
    }
  });
});

describe('silence list', () => {
  it('splits by state, expired newest first', () => {
    const s = (id: string, state: string, endsAt: string): Silence => ({ id, status: { state }, matchers: [], startsAt: '', endsAt, updatedAt: '', createdBy: '', comment: '' });
    const r = splitByState([s('1', 'expired', '2026-01-01'), s('2', 'active', 'x'), s('3', 'expired', '2026-02-01'), s('4', 'pending', 'y'), s('5', 'weird', '2025')]);
    expect(r.active.map((x) => x.id)).toEqual(['2']);
    expect(r.pending.map((x) => x.id)).toEqual(['4']);
    expect(r.expired.map((x) => x.id)).toEqual(['3', '1', '5']);
  });
});
