import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.js';
import { Template, checkTemplate, expandAlertTemplate } from './template.js';

async function run(text: string, data: unknown = undefined, opts: Parameters<Template['execute']>[1] = {}): Promise<string> {
  return Template.parse('t', text).execute(data, opts);
}

describe('template constructs', () => {
  const cases: [string, string, unknown, string][] = [
    ['text only', 'hello', undefined, 'hello'],
    ['field', '{{ .a }}', { a: 'x' }, 'x'],
    ['nested fields', '{{ .a.b }}', { a: { b: 'y' } }, 'y'],
    ['missing key of a string map is empty', '[{{ .nope }}]', { a: 'x' }, '[]'],
    ['dot', '{{ . }}', 'd', 'd'],
    ['nil prints <no value>', '{{ .x }}', { x: null }, '<no value>'],
    ['trim markers', 'a  {{- "b" -}}  c', undefined, 'abc'],
    ['trim across newlines', 'a\n  {{- 1 }}\n', undefined, 'a1\n'],
    ['negative number is not a trim marker', '{{-3}}', undefined, '-3'],
    ['comment', 'a{{/* hidden */}}b', undefined, 'ab'],
    ['trimmed comment', 'a {{- /* x */ -}} b', undefined, 'ab'],
    ['pipeline', '{{ "x" | printf "<%s>" }}', undefined, '<x>'],
    ['chained pipeline', '{{ 0.5 | humanizePercentage | toUpper }}', undefined, '50%'],
    ['parenthesised', '{{ printf "%s-%s" (toUpper "a") ("b" | toUpper) }}', undefined, 'A-B'],
    ['field of parenthesised', '{{ (index . 0).k }}', [{ k: 'v' }], 'v'],
    ['variables', '{{ $x := "a" }}{{ $x }}{{ $x = "b" }}{{ $x }}', undefined, 'ab'],
    ['$ is the root', '{{ range .l }}{{ $.p }}{{ . }}{{ end }}', { p: '-', l: ['a', 'b'] }, '-a-b'],
    ['variable field', '{{ $m := . }}{{ $m.k }}', { k: 'v' }, 'v'],
    ['if/else if/else', '{{ if eq . 1 }}one{{ else if eq . 2 }}two{{ else }}many{{ end }}', 2n, 'two'],
    ['if false', '{{ if "" }}y{{ else }}n{{ end }}', undefined, 'n'],
    ['empty list is false', '{{ if . }}y{{ else }}n{{ end }}', [], 'n'],
    ['with rebinds dot', '{{ with .a }}{{ . }}{{ end }}', { a: 'in' }, 'in'],
    ['with else', '{{ with .a }}{{ . }}{{ else }}none{{ end }}', { a: '' }, 'none'],
    ['else with', '{{ with .a }}a{{ else with .b }}b={{ . }}{{ else }}none{{ end }}', { a: '', b: 'x' }, 'b=x'],
    ['if declares a variable', '{{ if $x := .a }}{{ $x }}{{ end }}', { a: 'v' }, 'v'],
    ['multi-line action', '{{ printf "%s-%s"\n  "a"\n  "b" }}', undefined, 'a-b'],
    ['range array', '{{ range . }}[{{ . }}]{{ end }}', ['a', 'b'], '[a][b]'],
    ['range index and value', '{{ range $i, $v := . }}{{ $i }}={{ $v }} {{ end }}', ['a', 'b'], '0=a 1=b '],
    ['range map sorted', '{{ range $k, $v := . }}{{ $k }}:{{ $v }};{{ end }}', { b: '2', a: '1' }, 'a:1;b:2;'],
    ['range single variable gets the element', '{{ range $v := . }}{{ $v }}{{ end }}', ['x', 'y'], 'xy'],
    ['range else', '{{ range . }}x{{ else }}empty{{ end }}', [], 'empty'],
    ['range over int', '{{ range 3 }}{{ . }}{{ end }}', undefined, '012'],
    ['break and continue', '{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}', [1n, 2n, 3n, 4n, 5n], '13'],
    ['variable scope ends with the block', '{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}', undefined, '21'],
    ['assignment inside range reaches outside', '{{ $n := 0 }}{{ range . }}{{ $n = . }}{{ end }}{{ $n }}', [1n, 7n], '7'],
    ['define and template', '{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" "q" }}', undefined, '[q]'],
    ['block', '{{ block "b" . }}<{{ . }}>{{ end }}', 'z', '<z>'],
    ['tmpl', '{{ define "x" }}{{ .arg0 }}+{{ .arg1 }}{{ end }}{{ tmpl "x" (args 1 "a") }}', undefined, '1+a'],
    ['string escapes', '{{ "a\\tb\\u00e9\\x41\\101" }}', undefined, 'a\tbéAA'],
    ['raw string', '{{ `a\\n"b` }}', undefined, 'a\\n"b'],
    ['char constant', "{{ 'a' }}", undefined, '97'],
    ['numbers', '{{ 1e6 }} {{ 0.1 }} {{ 3.0 }} {{ 3 }} {{ 0x1F }} {{ 1_000 }} {{ -2 }}', undefined, '1e+06 0.1 3 3 31 1000 -2'],
    ['booleans and nil', '{{ true }} {{ not false }} {{ eq nil nil }}', undefined, 'true true true'],
    ['and/or return operands', '{{ and 1 0 }} {{ and 1 2 }} {{ or 0 "" "z" }} {{ or 0 "" }}', undefined, '0 2 z '],
    ['and is lazy', '{{ if and .a (index .a 0) }}y{{ else }}n{{ end }}', { a: [] }, 'n'],
    ['eq many', '{{ eq "b" "a" "b" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 2.5 }}', undefined, 'true true true true true false'],
    ['len index slice', '{{ len "héllo" }} {{ len . }} {{ index . 1 }} {{ slice "abcdef" 1 3 }} {{ slice . 1 }}', ['x', 'y'], '6 2 y bc [y]'],
    ['index of map', '{{ index . "a-b" }}', { 'a-b': 'v' }, 'v'],
    ['print println', '{{ print 1 2 "a" 3 }}|{{ println "a" 1 }}', undefined, '1 2a3|a 1\n'],
    ['html js urlquery', `{{ html "<a href='x'>&" }} {{ js "a'b<" }} {{ urlquery "a b&c" }}`, undefined, 'a'.slice(1) + "&lt;a href=&#39;x&#39;&gt;&amp; a\\'b\\u003C a+b%26c"],
  ];
  for (const [title, text, data, want] of cases) it(title, async () => assert.equal(await run(text, data), want));
});

describe('html mode', () => {
  it('escapes action output, not the template text', async () => {
    const t = Template.parse('h', '<b>{{ . }}</b>', { html: true });
    assert.equal(await t.execute('<i>a&b+"\'</i>'), '<b>&lt;i&gt;a&amp;b&#43;&#34;&#39;&lt;/i&gt;</b>');
  });
  it('safeHtml bypasses escaping', async () => {
    assert.equal(await Template.parse('h', '{{ safeHtml . }}', { html: true }).execute('<i>x</i>'), '<i>x</i>');
  });
  it('the html builtin is not escaped twice', async () => {
    assert.equal(await Template.parse('h', '{{ html . }}', { html: true }).execute('<'), '&lt;');
  });
  it('can be switched per execution', async () => {
    assert.equal(await Template.parse('h', '{{ . }}').execute('<', { html: true }), '&lt;');
  });
});

describe('library templates', () => {
  it('lends its defines; own defines win', async () => {
    const lib = Template.parse('lib', '{{ define "a" }}lib-a{{ end }}{{ define "b" }}lib-b{{ end }}');
    const t = Template.parse('main', '{{ define "b" }}own-b{{ end }}{{ template "a" }} {{ template "b" }}', { library: lib });
    assert.equal(await t.execute(undefined), 'lib-a own-b');
    assert.deepEqual(t.definedTemplates(), ['a', 'b']);
    assert.equal(await t.executeTemplate('a', undefined), 'lib-a');
  });
});

describe('alert templates', () => {
  const data = { labels: { instance: 'web-1:9100', job: 'node' }, externalLabels: { dc: 'par' }, externalURL: 'http://vigie:9090/sub', value: 1e6 };
  it('defines $labels, $value, $externalLabels, $externalURL', async () => {
    const out = await expandAlertTemplate('a', '{{ $labels.instance }} {{ $value }} {{ $externalLabels.dc }} {{ $externalURL }} {{ .Labels.job }} {{ $labels.none }}.', data);
    assert.equal(out, 'web-1:9100 1e+06 par http://vigie:9090/sub node .');
  });
  it('reports errors at the position in the text', async () => {
    await assert.rejects(expandAlertTemplate('ann', 'x\n  {{ humanize $labels.job }}', data), (e: unknown) => e instanceof TemplateError && e.line === 2 && e.col === 6 && /template: ann:2:6: executing "ann" at <humanize>: error calling humanize/.test(e.message));
  });
  it('pathPrefix comes from the external URL', async () => {
    assert.equal(await expandAlertTemplate('a', '{{ pathPrefix }}|{{ externalURL }}', data), '/sub|http://vigie:9090/sub');
  });
  it('checkTemplate accepts the variables and rejects unknown functions', () => {
    checkTemplate('ok', '{{ $labels.x }} {{ $value | humanize }}');
    assert.throws(() => checkTemplate('bad', '{{ humanise $value }}'), /template: bad:1:4: function "humanise" not defined/);
  });
});

describe('query functions', () => {
  const query = (expr: string): Promise<{ labels: Record<string, string>; value: number }[]> =>
    Promise.resolve(expr === 'up' ? [{ labels: { instance: 'b', job: 'j' }, value: 1 }, { labels: { instance: 'a', job: 'j' }, value: 0 }] : []);
  it('query, first, value, label, sortByLabel', async () => {
    const out = await run('{{ with query "up" }}{{ . | first | value }} {{ range sortByLabel "instance" . }}{{ label "instance" . }}={{ .Value }} {{ end }}{{ end }}', undefined, { query });
    assert.equal(out, '1 a=0 b=1 ');
  });
  it('first of an empty result is an error', async () => {
    await assert.rejects(run('{{ query "nothing" | first }}', undefined, { query }), /first\(\) called on vector with no elements/);
  });
  it('query without a query function is an error', async () => {
    await assert.rejects(run('{{ query "up" }}'), /error calling query: no query function/);
  });
  it('a sample prints like Go', async () => {
    assert.equal(await run('{{ query "up" | first }}', undefined, { query }), '{map[instance:b job:j] 1}');
  });
});

describe('hostile templates', () => {
  const parseErrors: [string, RegExp][] = [
    ['{{ .a', /template: t:1:1: unclosed action/],
    ['{{ foo }}', /t:1:4: function "foo" not defined/],
    ['{{ if 1 }}', /t:1:1: unexpected EOF: \{\{if\}\} has no \{\{end\}\}/],
    ['{{ end }}', /unexpected \{\{end\}\}/],
    ['{{ else }}', /unexpected \{\{else\}\}/],
    ['{{ "abc }}', /t:1:4: unterminated quoted string/],
    ['{{ `abc }}', /unterminated raw quoted string/],
    ['{{ "\\q" }}', /unknown escape sequence/],
    ['{{ $x }}', /undefined variable "\$x"/],
    ['{{ $x = 1 }}', /undefined variable "\$x"/],
    ['{{ break }}', /\{\{break\}\} outside \{\{range\}\}/],
    ['{{ /* x */ }}', /unrecognized character|unexpected/],
    ['{{/* x */ y }}', /comment ends before closing delimiter/],
    ['{{/* x', /unclosed comment/],
    ['{{ (1 }}', /unclosed left paren/],
    ['{{ 1) }}', /unexpected right paren/],
    ['{{ printf"x" }}', /missing space/],
    ['{{ 1x }}', /bad number syntax/],
    ['{{ # }}', /unrecognized character in action/],
    ['{{ }}', /missing value for command/],
    ['{{ . | }}', /missing command after \|/],
    ['line1\nline2 {{ if }}{{ end }}', /t:2:7: missing value for if/],
    ['{{ define "a" }}x', /has no \{\{end\}\}/],
    ['{{ if 1 }}{{ define "a" }}{{ end }}{{ end }}', /only allowed at top level/],
    ['{{ template x }}', /expected a quoted template name/],
    ['{{ 99999999999999999999 }}', /number out of range/],
    ['{{' + '('.repeat(500) + '1' + ')'.repeat(500) + '}}', /nesting deeper than 100 levels/],
    ['{{ if 1 }}'.repeat(500) + '{{ end }}'.repeat(500), /nesting deeper than 100 levels/],
  ];
  for (const [text, re] of parseErrors) {
    it(`rejects ${JSON.stringify(text.slice(0, 40))}`, () => assert.throws(() => Template.parse('t', text), (e: unknown) => e instanceof TemplateError && re.test(e.message)));
  }
  const execErrors: [string, unknown, RegExp][] = [
    ['{{ 1 2 }}', undefined, /can't give argument to non-function 1/],
    ['{{ .a.b }}', { a: 's' }, /t:1:4: executing "t" at <\.a\.b>: can't evaluate field b in type string/],
    ['{{ .a.b }}', { a: null }, /nil pointer evaluating/],
    ['{{ gt 1.5 1 }}', undefined, /error calling gt: incompatible types for comparison/],
    ['{{ lt true false }}', undefined, /invalid type for comparison/],
    ['{{ index . 5 }}', ['a'], /error calling index: index out of range: 5/],
    ['{{ len 3 }}', undefined, /len of type int/],
    ['{{ humanize "x" }}', undefined, /strconv.ParseFloat: parsing "x": invalid syntax/],
    ['{{ printf }}', undefined, /wrong number of args for printf: want at least 1 got 0/],
    ['{{ toUpper 1 2 }}', undefined, /wrong number of args for toUpper: want 1 got 2/],
    ['{{ template "nope" }}', undefined, /no such template "nope"/],
    ['{{ range . }}{{ end }}', 'str', /range can't iterate over str/],
    ['{{ reReplaceAll "(" "" "x" }}', undefined, /error calling reReplaceAll: error parsing regexp/],
    ['{{ range 100000000 }}{{ end }}', undefined, /exceeds the step limit/],
    ['{{ range .l }}{{ range $.l }}{{ range $.l }}{{ range $.l }}{{ . }}{{ end }}{{ end }}{{ end }}{{ end }}', { l: Array.from({ length: 100 }, (_, i) => BigInt(i)) }, /more than \d+ steps|larger than|timed out/],
    ['{{ define "r" }}{{ template "r" }}{{ end }}{{ template "r" }}', undefined, /exceeded maximum template depth/],
  ];
  for (const [text, data, re] of execErrors) {
    it(`fails cleanly on ${JSON.stringify(text.slice(0, 40))}`, async () => {
      await assert.rejects(run(text, data), (e: unknown) => e instanceof TemplateError && re.test(e.message));
    });
  }
  it('a loop past its time budget stops', async () => {
    const l = Array.from({ length: 1000 }, (_, i) => i);
    await assert.rejects(run('{{ range $.l }}{{ range $.l }}{{ end }}{{ end }}', { l }, { timeoutMs: 0 }), /timed out|steps/);
  });
});
