import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RuleFileError } from './errors.js';
import { parseRuleFile } from './parse.js';

// dist/src/rules/file → repo root is four levels up; the conformance data sits beside the repo.
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const RULEFMT = join(repo, '..', 'shared', 'conformance', 'rules', 'rulefmt-testdata');
const UNITTEST = join(repo, '..', 'shared', 'conformance', 'rules', 'promtool-unittest');

function parseFile(dir: string, name: string, opts = {}): ReturnType<typeof parseRuleFile> {
  return parseRuleFile(readFileSync(join(dir, name), 'utf8'), name, opts);
}

function errorOf(fn: () => unknown): RuleFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RuleFileError) return err;
    throw err;
  }
  assert.fail('expected a RuleFileError');
}

describe("Prometheus' rulefmt test data", () => {
  // What each bad file must say (Prometheus' own tests check the same problems).
  const expected: Record<string, RegExp> = {
    'bad_expr.bad.yaml': /bad_expr\.bad\.yaml:5:15: group "yolo", rule 1 \("yolo"\): could not parse expression: .*expected type range vector/,
    'bad_field.bad.yaml': /bad_field\.bad\.yaml:8:9: .*unknown field "annotation" \(did you mean "annotations"\?\)/,
    'duplicate_grp.bad.yaml': /duplicate_grp\.bad\.yaml:3:11: group "yolo": group name "yolo" is repeated in the same file/,
    'invalid_label_name.bad.yaml': /:7:11: .*invalid label name: "__name__"/,
    'invalid_record_name.bad.yaml': /:4:17: .*invalid recording rule name: "strawberry\{flavor=\\"sweet\\"\}"/,
    'legacy_validation_annotation.bad.yaml': /:7:11: .*invalid annotation name: "ins-tance"/,
    'no_rec_alert.bad.yaml': /:4:9: group "yolo", rule 1: one of 'record' or 'alert' must be set/,
    'noexpr.bad.yaml': /:4:9: .*field 'expr' must be set in rule/,
    'record_and_alert.bad.yaml': /only one of 'record' and 'alert' may be set/,
    'record_and_for.bad.yaml': /:6:9: .*invalid field 'for' in recording rule/,
    'record_and_keep_firing_for.bad.yaml': /invalid field 'keep_firing_for' in recording rule/,
  };
  const files = readdirSync(RULEFMT);
  it('has every file we expect', () => assert.deepEqual(files.filter((f) => f.endsWith('.bad.yaml')).sort(), Object.keys(expected).sort()));
  for (const f of files) {
    if (f.endsWith('.bad.yaml')) {
      it(`rejects ${f}`, () => {
        const legacy = f.startsWith('legacy_') ? { nameValidation: 'legacy' as const } : {};
        const err = errorOf(() => parseFile(RULEFMT, f, legacy));
        assert.match(err.message, expected[f] ?? /^$/);
      });
    } else {
      it(`loads ${f}`, () => {
        const rf = parseFile(RULEFMT, f);
        assert.ok(rf.groups.length > 0);
      });
    }
  }
  it('the legacy file is fine under UTF-8 names (Prometheus 3 default)', () => {
    assert.equal(parseFile(RULEFMT, 'legacy_validation_annotation.bad.yaml').groups.length, 1);
  });
  it('test.yaml gives the rules, durations and labels', () => {
    const rf = parseFile(RULEFMT, 'test.yaml');
    assert.deepEqual(rf.groups.map((g) => [g.name, g.intervalMs, g.rules.length]), [['my-group-name', 30_000, 3], ['my-another-name', 30_000, 3]]);
    const [first, second] = rf.groups[0]!.rules;
    assert.equal(first?.kind, 'alerting');
    if (first?.kind === 'alerting') {
      assert.equal(first.alert, 'HighErrors');
      assert.equal(first.forMs, 300_000);
      assert.deepEqual(first.labels, { severity: 'critical' });
      assert.equal(first.line, 5);
    }
    assert.equal(second?.kind, 'recording');
    if (second?.kind === 'recording') assert.deepEqual(second.labels, { abc: 'edf', uvw: 'xyz' });
  });
  it('test_aliases.yaml resolves anchors and merge keys', () => {
    const rf = parseFile(RULEFMT, 'test_aliases.yaml');
    const last = rf.groups[0]!.rules[3];
    assert.equal(last?.kind === 'alerting' && last.alert, 'HighAlert2');
    assert.equal(last?.kind === 'alerting' && last.forMs, 300_000);
  });
});

describe('plain rule files of the promtool unit tests', () => {
  for (const f of ['at-modifier.yml', 'bad-rules-error.yml', 'negative-offset.yml', 'rules.yml']) {
    it(`loads ${f}`, () => assert.ok(parseFile(UNITTEST, f).groups.length > 0));
  }
  it('rejects bad-rules-syntax.yml at the expression', () => {
    assert.match(errorOf(() => parseFile(UNITTEST, 'bad-rules-syntax.yml')).message, /bad-rules-syntax\.yml:7:15: group "bad-syntax", rule 1 \("x"\): could not parse expression: 1:7: parse error: unexpected end of input/);
  });
  it('rules_extrafields.yml needs ignoreUnknownFields', () => {
    assert.match(errorOf(() => parseFile(UNITTEST, 'rules_extrafields.yml')).message, /unknown field "namespace"[\s\S]*unknown field "ownership"/);
    assert.equal(parseFile(UNITTEST, 'rules_extrafields.yml', { ignoreUnknownFields: true }).groups.length, 2);
  });
});

describe('rule file validation', () => {
  const bad: [string, string, RegExp][] = [
    ['not a map', '- a\n- b\n', /expected a map with a "groups" list, got a list/],
    ['groups not a list', 'groups: 3\n', /groups: expected a list/],
    ['unknown top-level key', 'groups: []\nrules: []\n', /f\.yml:2:1: unknown field "rules"/],
    ['empty group name', 'groups:\n  - rules: []\n', /group name must not be empty/],
    ['bad interval', 'groups:\n  - name: a\n    interval: 5 minutes\n', /f\.yml:3:15: group "a": interval: not a valid duration/],
    ['zero interval', 'groups:\n  - name: a\n    interval: 0s\n', /interval must be greater than 0/],
    ['negative limit', 'groups:\n  - name: a\n    limit: -1\n', /limit: expected a whole number >= 0/],
    ['bad for', 'groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        for: soon\n', /f\.yml:6:14: .*for: not a valid duration/],
    ['template error', 'groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n          s: "{{ humanise $value }}"\n', /f\.yml:7:14: group "a", rule 1 \("A"\): invalid template in annotations\.s: template: annotations\.s:1:4: function "humanise" not defined/],
    ['unclosed template', 'groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        labels:\n          s: "{{ $labels.x"\n', /invalid template in labels\.s: .*unclosed action/],
    ['annotations on a recording rule', 'groups:\n  - name: a\n    rules:\n      - record: r\n        expr: up\n        annotations: {a: b}\n', /invalid field 'annotations' in recording rule/],
    ['label value not a string', 'groups:\n  - name: a\n    rules:\n      - alert: A\n        expr: up\n        labels:\n          x: [1]\n', /label "x": expected a string value, got a list/],
    ['duplicate key', 'groups:\n  - name: a\n    name: b\n', /f\.yml:3:5: duplicate key/],
    ['two documents', 'groups: []\n---\ngroups: []\n', /only one YAML document/],
    ['alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ngroups: [*d]\n', /too many alias expansions/],
    ['tab indentation', 'groups:\n\t- name: a\n', /f\.yml:2:1: /],
    [
      'histogram_quantile over a non-bucket metric',
      'groups:\n  - name: api\n    rules:\n      - alert: SlowP99\n        expr: histogram_quantile(0.99, http_request_duration_seconds) > 1\n',
      /f\.yml:5:15: group "api", rule 1 \("SlowP99"\): histogram_quantile over http_request_duration_seconds, which is not a histogram's _bucket series.*Write: histogram_quantile\(0\.99, sum by \(le\) \(rate\(http_request_duration_seconds_bucket\[5m\]\)\)\)/,
    ],
  ];
  for (const [title, text, re] of bad) it(`rejects ${title}`, () => assert.match(errorOf(() => parseRuleFile(text, 'f.yml')).message, re));

  it('reports every problem at once', () => {
    const err = errorOf(() => parseRuleFile('groups:\n  - name: a\n    rules:\n      - record: "1bad"\n        expr: "up +"\n      - alert: B\n', 'f.yml'));
    assert.equal(err.issues.length, 3);
  });

  it('accepts an empty file and the working histogram forms', () => {
    assert.deepEqual(parseRuleFile('', 'e.yml').groups, []);
    parseRuleFile('groups:\n  - name: api\n    rules:\n      - record: x\n        expr: histogram_quantile(0.9, job:http_request_duration_seconds_bucket:rate5m)\n      - record: y\n        expr: histogram_quantile(0.9, (x_bucket))\n', 'f.yml');
    parseRuleFile('groups:\n  - name: api\n    rules:\n      - alert: SlowP99\n        expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1\n', 'f.yml');
  });

  it('reads group options', () => {
    const rf = parseRuleFile('groups:\n  - name: a\n    interval: 15s\n    limit: 10\n    query_offset: 1m\n    labels: {team: ops}\n    rules:\n      - record: "job:up:sum"\n        expr: sum by (job) (up)\n      - alert: X\n        expr: up == 0\n        keep_firing_for: 2m\n', 'f.yml');
    const g = rf.groups[0]!;
    assert.deepEqual([g.intervalMs, g.limit, g.queryOffsetMs, g.labels], [15_000, 10, 60_000, { team: 'ops' }]);
    const x = g.rules[1];
    assert.ok(x?.kind === 'alerting' && x.keepFiringForMs === 120_000 && x.forMs === 0);
  });
});

describe('rule file fuzzing', () => {
  it('mutated rule files either load or fail with a RuleFileError', () => {
    const base = readFileSync(join(RULEFMT, 'test_aliases.yaml'), 'utf8');
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = [':', '-', ' ', '\n', '{{', '}}', '*', '&', '[', ']', '{', '}', '"', "'", '#', '|', '>', '\t', 'x', '0', '<<: *expr'];
    for (let i = 0; i < 1500; i++) {
      let text = base;
      for (let k = 0, n = 1 + rand(4); k < n; k++) {
        const at = rand(text.length);
        const op = rand(3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + rand(20));
        else if (op === 1) text = text.slice(0, at) + junk[rand(junk.length)]! + text.slice(at);
        else text = text.slice(0, at) + text.slice(at, at + rand(40)) + text.slice(at);
      }
      try {
        parseRuleFile(text, 'm.yml');
      } catch (err) {
        assert.ok(err instanceof RuleFileError, `mutation ${i} threw ${String(err)}`);
        assert.ok(err.issues.length > 0);
      }
    }
  });
});
