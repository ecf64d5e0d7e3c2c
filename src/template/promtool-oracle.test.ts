import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { expandAlertTemplate } from './template.js';

const PROMTOOL = '/usr/bin/promtool';

/**
 * Prometheus itself is the oracle: each template below is expanded by this engine, and the
 * result is given to `promtool test rules` as the expected annotation of an alert whose value
 * and labels are the same. promtool expands the template with Prometheus' real Go engine and
 * fails on any difference. (`externalURL` and `pathPrefix` are left out: promtool's unit tests
 * have no external URL and fail on them.)
 */
const INSTANCE = 'web-1.example.com:9100';
const EXTERNAL_URL = 'https://mon.example.com/prom';

const CASES: [number, string][] = [
  [1e6, '{{ $value }}'],
  [0.1, '{{ $value }}'],
  [3, '{{ $value }}'],
  [123456789, '{{ $value }}'],
  [1 / 3, '{{ $value }}'],
  [-0.5, '{{ $value }}'],
  [1e21, '{{ $value }}'],
  [0.00001, '{{ $value }}'],
  [1234567.891, '{{ humanize $value }} {{ humanize1024 $value }} {{ $value | humanizeDuration }} {{ humanizePercentage $value }}'],
  [0.000123, '{{ humanize $value }} {{ humanizeDuration $value }} {{ humanizePercentage $value }}'],
  [90061.5, '{{ humanizeDuration $value }}'],
  [-3725, '{{ humanizeDuration $value }}'],
  [1435065584.128, '{{ humanizeTimestamp $value }} | {{ toTime $value }}'],
  [2.675, '{{ printf "%.2f|%.0f|%g|%e|%v|%5.1f|%-8.3g|" $value $value $value $value $value $value $value }}'],
  [1234.5, '{{ printf "%.4g %.1f %.0f %E %G" $value $value $value $value $value }}'],
  [42, '{{ printf "%d %s %q %x %t %v%%" 42 "s" "a\\"b\\n" 255 true $value }}'],
  [42, '{{ printf "%d" $value }} {{ printf "%s" $value }} {{ printf "%d %d" 1 }} {{ printf "%d" 1 2 }}'],
  [1, '{{ print 1 2 "a" 3 "b" "c" 1.5 }}{{ println "x" 2 }}'],
  [1, '{{ $labels.instance | stripPort }} {{ stripDomain $labels.instance }} {{ title "hello wORLD-x y_z" }} {{ toUpper "abc" }} {{ toLower "ÀBC" }}'],
  [1, '{{ reReplaceAll "^([a-z]+)-(\\\\d+)\\\\..*$" "$2/$1 ${1}x $1x $$" $labels.instance }}'],
  [1, '{{ match "^web-[0-9]" $labels.instance }} {{ match "db" $labels.instance }}'],
  [1, '{{ graphLink "rate(x{a=\\"b c\\"}[5m])" }} {{ tableLink "up" }}'],
  [1, '{{ parseDuration "1h30m15s" }} {{ parseDuration "500ms" }}'],
  [1, '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }} {{ index $labels "instance" }} {{ len $labels.instance }} {{ slice $labels.instance 0 5 }} [{{ $labels.nope }}]'],
  [1, '{{ html "<a href=\'x\'>&" }} {{ js "it\'s <b>" }} {{ urlquery "a b&c=d/é" }}'],
  [1, '{{ if and (eq $labels.instance "x" "web-1.example.com:9100") (lt 1 2) }}yes{{ else }}no{{ end }} {{ or "" "fallback" }} {{ and 1 0 }} {{ not "" }} {{ ne "a" "b" }} {{ ge 2.5 2.5 }}'],
  [7, '{{ with $x := $value }}{{ if gt $x 5.0 }}big{{ else if gt $x 1.0 }}mid{{ else }}small{{ end }}{{ end }} {{ with $labels.nope }}set{{ else }}unset{{ end }}'],
  [1, '{{- /* comment */ -}}  a  {{- "b" }}  {{ "c" -}}  d'],
  [1, '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" $labels.instance }} {{ with args 1 "two" }}{{ .arg0 }}-{{ .arg1 }}{{ end }}'],
  [1, '{{ $v := 0 }}{{ range $i, $e := (args 1 2 3) }}{{ $v = $i }}{{ if eq $e 2 }}{{ continue }}{{ end }}{{ $e }}{{ end }} {{ $v }} {{ (slice "abcdef" 1 4) | printf "%s" | len | print | printf "%s-%s" "n" }}'],
  [1, '{{ $externalLabels.dc }} {{ $externalURL }} {{ .Labels.instance }} {{ .Value }} {{ .ExternalLabels.dc }}'],
  [1, '{{ with query "probe_value" }}{{ range sortByLabel "k" . }}{{ label "k" . }}={{ value . }} {{ .Value }} {{ .Labels.k }};{{ end }}{{ . | first | value | humanize }}{{ end }}'],
  [NaN, '{{ $value }} {{ humanize $value }} {{ humanizeDuration $value }} {{ humanizeTimestamp $value }} {{ printf "%.2f" $value }}'],
  [Infinity, '{{ $value }} {{ humanize $value }} {{ humanize1024 $value }} {{ printf "%f|%e" $value $value }}'],
  [-2048, '{{ humanize1024 $value }} {{ humanize $value }} {{ humanizeDuration 0 }} {{ humanize "1e3" }} {{ humanizePercentage 0.123456 }}'],
  [0.5, '{{ printf "%6.2f|%-6d|%+d|%x|%X|%o|%b|%c|%U|% d|%05.1f|%8s|%-8s|%.1s|%T|%T" $value 7 3 255 255 8 5 65 233 5 -2.5 "ab" "cd" "ef" $value 3 }}'],
  [0.5, '{{ printf "%v" $labels }} {{ printf "%s" (args 1 "x") }} {{ print nil }} {{ printf "%v|%d" nil nil }} {{ index (args "a") "arg0" }} {{ len (query "probe_value") }}'],
  [0.5, '{{ toUpper "ßé" }} {{ title "ñandú é" }} {{ toLower "ÉTÉ" }} {{ $value | printf "%.3e" }} {{ printf "%.3g|%.10g|%g" 100000.0 0.1 1e-7 }}'],
  [0.5, '{{ range $i, $s := sortByLabel "k" (query "probe_value") }}{{ $i }}:{{ $s.Labels.k }} {{ end }}{{ range query "nothing" }}x{{ else }}empty{{ end }}'],
  [1, '{{ 1e6 }} {{ 0.1 }} {{ 3.0 }} {{ 3 }} {{ 0x1F }} {{ \'a\' }} {{ -2 }} {{ 1_000 }} {{ "\\u00e9\\x41\\t|" }} {{ `raw\\n` }}'],
];

/** The input series of the unit test below, as the query function sees them at eval time 0. */
function query(expr: string): Promise<{ labels: Record<string, string>; value: number }[]> {
  if (expr === 'nothing') return Promise.resolve([]);
  assert.equal(expr, 'probe_value');
  return Promise.resolve([
    { labels: { __name__: 'probe_value', k: 'b' }, value: 2 },
    { labels: { __name__: 'probe_value', k: 'a' }, value: 1500 },
  ]);
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

describe('template engine against Prometheus (promtool test rules)', () => {
  it('expands every case exactly like Prometheus', async (t) => {
    if (!existsSync(PROMTOOL)) {
      t.skip('PROMTOOL MISSING: install Debian package prometheus to run this check');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'vigie-tpl-oracle-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const rules = ['groups:', '  - name: oracle', '    rules:'];
    const tests = [
      'rule_files: [rules.yml]',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      `    external_url: ${yamlString(EXTERNAL_URL)}`,
      '    external_labels: {dc: par}',
      '    input_series:',
      "      - series: 'probe_value{k=\"b\"}'",
      "        values: '2'",
      "      - series: 'probe_value{k=\"a\"}'",
      "        values: '1500'",
      '    alert_rule_test:',
    ];
    for (const [i, [value, template]] of CASES.entries()) {
      const expected = await expandAlertTemplate(`T${i}`, template, { labels: { instance: INSTANCE }, externalLabels: { dc: 'par' }, externalURL: EXTERNAL_URL, value }, { query });
      rules.push(
        `      - alert: T${i}`,
        `        expr: ${yamlString(`label_replace(vector(${Number.isFinite(value) || Number.isNaN(value) ? String(value) : value > 0 ? 'Inf' : '-Inf'}), "instance", "${INSTANCE}", "", "")`)}`,
        '        annotations:',
        `          t: ${yamlString(template)}`,
      );
      tests.push(
        '      - eval_time: 0m',
        `        alertname: T${i}`,
        '        exp_alerts:',
        `          - exp_labels: {instance: ${yamlString(INSTANCE)}}`,
        `            exp_annotations: {t: ${yamlString(expected)}}`,
      );
    }
    await writeFile(join(dir, 'rules.yml'), rules.join('\n') + '\n');
    await writeFile(join(dir, 'test.yml'), tests.join('\n') + '\n');
    const r = await promisify(execFile)(PROMTOOL, ['test', 'rules', join(dir, 'test.yml')], { timeout: 60_000 }).catch((e: { stdout: string; stderr: string }) => e);
    assert.match(r.stdout, /SUCCESS/, r.stdout + r.stderr);
  });
});
