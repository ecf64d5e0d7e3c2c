import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runRuleUnitTests } from './index.js';

// dist/src/rules/unittest/x.test.js -> <repo>/../shared/conformance/rules/promtool-unittest
const CONFORMANCE = fileURLToPath(new URL('../../../../../shared/conformance/rules/promtool-unittest/', import.meta.url));

async function run(files: string[], opts: { run?: string[] } = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runRuleUnitTests(files, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, opts);
  return { code, out, err };
}

/**
 * What prometheus' cmd/promtool/unittest_test.go expects of these files (TestRulesUnitTest,
 * TestRulesUnitTestRun). Vigie's engine always accepts `@` and negative offsets (as the
 * Prometheus server does since 3.0), so the "enabled feature" expectation applies.
 */
const EXPECTED: readonly (readonly [string, number, string])[] = [
  ['long-period.yml', 0, 'Long evaluation interval'],
  ['bad-input-series.yml', 1, 'Bad input series'],
  ['bad-promql.yml', 1, 'Bad PromQL'],
  ['bad-rules-syntax-test.yml', 1, 'Bad rules (syntax error)'],
  ['bad-rules-error-test.yml', 1, 'Bad rules (error evaluating)'],
  ['failing.yml', 1, 'Simple failing test'],
  ['at-modifier-test.yml', 0, 'Enabled feature (@ modifier)'],
  ['negative-offset-test.yml', 0, 'Enabled feature (negative offset)'],
  ['no-test-group-interval.yml', 0, 'No test group interval'],
  ['start-time-test.yml', 0, 'Start time tests'],
  ['rules_run.yml', 1, 'Test all without run arg'],
  ['rules_run_no_fuzzy.yml', 1, 'Test precise floating point comparison expected failure'],
];

describe('rule unit tests (promtool test rules)', { skip: existsSync(CONFORMANCE) ? false : `LOUD: conformance data missing at ${CONFORMANCE}` }, () => {
  for (const [file, want, upstreamName] of EXPECTED) {
    it(`${file}: exit ${want} (upstream: ${upstreamName})`, async () => {
      const r = await run([join(CONFORMANCE, file)]);
      assert.equal(r.code, want, `${r.out}\n${r.err}`);
      assert.ok(r.out.startsWith(`Unit Testing:  ${join(CONFORMANCE, file)}\n`), r.out);
      if (want === 0) assert.ok(r.out.includes('  SUCCESS\n'), r.out);
      else assert.ok(r.err.startsWith('  FAILED:\n'), r.err);
    });
  }

  it('--run selects test groups by name, as promtool', async () => {
    assert.equal((await run([join(CONFORMANCE, 'rules_run.yml')], { run: ['correct'] })).code, 0);
    assert.equal((await run([join(CONFORMANCE, 'rules_run.yml')], { run: ['wrong'] })).code, 1);
    assert.equal((await run([join(CONFORMANCE, 'rules_run.yml')], { run: ['correct', 'wrong'] })).code, 1);
    // fuzzy_compare: one ulp apart passes, a few ulps fail.
    assert.equal((await run([join(CONFORMANCE, 'rules_run_fuzzy.yml')], { run: ['correct'] })).code, 0);
    assert.equal((await run([join(CONFORMANCE, 'rules_run_fuzzy.yml')], { run: ['wrong'] })).code, 1);
  });

  it('unittest.yml passes except its native-histogram cases (unsupported by Vigie)', async () => {
    const r = await run([join(CONFORMANCE, 'unittest.yml')]);
    const failures = r.err.split('\n').filter((l) => /^\s+(expr|alertname|rule|input series|bad input series)/.test(l));
    assert.ok(failures.length > 0, 'histogram series are refused');
    for (const f of failures) assert.match(f, /histogram/, `only histogram cases fail: ${f}\n${r.err}`);
  });

  it('reports failures like promtool: expected and got alerts and samples', async () => {
    const r = await run([join(CONFORMANCE, 'failing.yml')]);
    assert.equal(
      r.err,
      [
        '  FAILED:',
        '    name: Failing test,',
        '    alertname: Test, time: 0s, ',
        '        exp:[',
        '            0:',
        '              Labels:{alertname="Test"}',
        '              Annotations:{}',
        '            ], ',
        '        got:[]',
        '    expr: "test", time: 0s,',
        '        exp: {__name__="test"} 1E+00',
        '        got: {__name__="test"} 0E+00',
        '    name: Failing alert test,',
        '    alertname: InstanceDown, time: 5m, ',
        '        exp:[], ',
        '        got:[',
        '            0:',
        '              Labels:{alertname="InstanceDown", job="test", severity="page"}',
        '              Annotations:{description=" of job test has been down for more than 5 minutes.", summary="Instance  down"}',
        '            ]',
        '    name: Failing alert test,',
        '    alertname: AlwaysFiring, time: 5m, ',
        '        exp:[], ',
        '        got:[',
        '            0:',
        '              Labels:{alertname="AlwaysFiring"}',
        '              Annotations:{}',
        '            ]',
        '',
      ].join('\n'),
    );
  });

  it('an evaluation error names the rule and the time', async () => {
    const r = await run([join(CONFORMANCE, 'bad-rules-error-test.yml')]);
    assert.match(r.err, /rule: joined, time: 0s, err: .*many-to-many matching not allowed/);
  });
});

describe('rule unit tests: hostile input', () => {
  it('refuses malformed test files with a clear error, never a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-unittest-'));
    try {
      await writeFile(join(dir, 'r.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 1m\n');
      const cases: [string, RegExp][] = [
        ['tests: [ {', /./],
        ['tests:\n  - interval: banana\n', /interval.*duration|duration.*banana/],
        ['tests:\n  - unknown_field: 1\n', /unknown_field|Unrecognized/i],
        ['rule_files: [r.yml]\ntests:\n  - input_series:\n      - series: up\n        values: "1 2 zzz"\n', /bad input series/],
        ['rule_files: [r.yml]\ngroup_eval_order: [g, g]\n', /group name repeated in evaluation order: g/],
        ['rule_files: [r.yml]\ntests:\n  - alert_rule_test:\n      - eval_time: 1m\n', /misses required attribute alertname/],
        ['rule_files: [missing.yml]\ntests:\n  - input_series: []\n', /missing\.yml/],
        ['rule_files: [r.yml]\ntests:\n  - promql_expr_test:\n      - expr: "sum("\n', /expr: "sum\(", time: 0s, err:/],
        ['tests:\n  - start_timestamp: tomorrow\n', /start_timestamp/],
      ];
      for (const [text, re] of cases) {
        const f = join(dir, 't.yml');
        await writeFile(f, text);
        const r = await run([f]);
        assert.equal(r.code, 1, text);
        assert.match(r.err, re, text);
      }
      assert.equal((await run([join(dir, 'nope.yml')])).code, 1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('passes a correct test of an alert going pending then firing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-unittest-'));
    try {
      await writeFile(join(dir, 'r.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: ApiDown\n        expr: up{job="api"} == 0\n        for: 1m\n        labels: { severity: page }\n        annotations: { summary: "{{ $labels.instance }} down" }\n');
      await writeFile(
        join(dir, 't.yml'),
        [
          'rule_files: [r.yml]',
          'evaluation_interval: 15s',
          'tests:',
          '  - interval: 15s',
          '    input_series:',
          '      - series: up{job="api", instance="a"}',
          '        values: 1 1 0x10',
          '    alert_rule_test:',
          '      - { eval_time: 1m, alertname: ApiDown, exp_alerts: [] }',
          '      - eval_time: 90s',
          '        alertname: ApiDown',
          '        exp_alerts:',
          '          - exp_labels: { severity: page, job: api, instance: a }',
          '            exp_annotations: { summary: "a down" }',
          '    promql_expr_test:',
          '      - expr: ALERTS_FOR_STATE',
          '        eval_time: 90s',
          '        exp_samples:',
          '          - labels: ALERTS_FOR_STATE{alertname="ApiDown", instance="a", job="api", severity="page"}',
          '            value: 30',
          '',
        ].join('\n'),
      );
      const r = await run([join(dir, 't.yml')]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, `Unit Testing:  ${join(dir, 't.yml')}\n  SUCCESS\n\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
