import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { silentLogger, systemClock } from '../../common/index.js';
import { formatDuration, parseDuration } from '../../config/index.js';
import { type Labels, compareLabels, labelsEqual, labelsFromRecord, staleNaN } from '../../model/index.js';
import { Engine, parseSeriesDescriptor, parseSeriesValues } from '../../promql/index.js';
import { MemStorage } from '../../storage/index.js';
import { loadRuleFiles } from '../file/index.js';
import { AlertingRuleState } from '../alerting-rule.js';
import { RuleManager } from '../manager.js';
import { memAppendable } from '../mem-appendable.js';
import { engineQueryFunc } from '../query.js';
import { type LabelsAndAnnotations, alertsString, goDuration, goFloatE, goLabels, indentLines } from './format.js';

/** Where `runRuleUnitTests` writes: promtool's layout (results on stdout, failures on stderr). */
export interface UnitTestIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

const durationText = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(String(v));
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
    return z.NEVER;
  }
});
const text = z.union([z.string(), z.number()]).transform(String);
/** A YAML float as Go's yaml reads one (`1e3`, `.inf`, `-.Inf`, `.nan`). */
const yamlFloat = z.string().transform((s, ctx) => {
  const special: Record<string, number> = { '.inf': Infinity, '+.inf': Infinity, '-.inf': -Infinity, '.nan': NaN };
  const v = special[s.toLowerCase()] ?? (s.trim() === '' ? NaN : Number(s));
  if (Number.isNaN(v) && s.toLowerCase() !== '.nan') {
    ctx.addIssue({ code: 'custom', message: `cannot unmarshal ${JSON.stringify(s)} into a float` });
    return z.NEVER;
  }
  return v;
});
const testGroupSchema = z.strictObject({
  interval: durationText.optional(),
  input_series: z.array(z.strictObject({ series: z.string(), values: text.default('') })).nullish(),
  alert_rule_test: z
    .array(
      z.strictObject({
        eval_time: durationText.default(0),
        alertname: z.string().default(''),
        exp_alerts: z.array(z.strictObject({ exp_labels: z.record(z.string(), text).nullish(), exp_annotations: z.record(z.string(), text).nullish() })).nullish(),
      }),
    )
    .nullish(),
  promql_expr_test: z
    .array(
      z.strictObject({
        expr: z.string(),
        eval_time: durationText.default(0),
        exp_samples: z.array(z.strictObject({ labels: z.string().default(''), value: yamlFloat.default(0), histogram: z.string().optional() })).nullish(),
      }),
    )
    .nullish(),
  external_labels: z.record(z.string(), text).nullish(),
  external_url: z.string().nullish(),
  name: z.string().nullish(),
  start_timestamp: text.nullish(),
});
const fileSchema = z.strictObject({
  rule_files: z.array(z.string()).nullish(),
  evaluation_interval: durationText.optional(),
  group_eval_order: z.array(z.string()).nullish(),
  tests: z.array(testGroupSchema).nullish(),
  fuzzy_compare: z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']).transform((b) => b.toLowerCase() === 'true').optional(),
});
type TestGroup = z.infer<typeof testGroupSchema>;

/**
 * Runs rule unit test files in promtool's format (`promtool test rules`): prints
 * `Unit Testing:  FILE` then `  SUCCESS`, or `  FAILED:` and the differences on stderr.
 * Returns the exit code: 0 when every file passed, 1 otherwise. `run` keeps only test
 * groups whose name matches one of the regular expressions.
 */
export async function runRuleUnitTests(files: readonly string[], io: UnitTestIO, opts: { readonly run?: readonly string[] } = {}): Promise<number> {
  let failed = false;
  const run = opts.run !== undefined && opts.run.length > 0 ? new RegExp(opts.run.join('|')) : undefined;
  for (const f of files) {
    io.stdout(`Unit Testing:  ${f}\n`);
    const errs = await testFile(f, run);
    if (errs.length > 0) {
      io.stderr('  FAILED:\n');
      for (const e of errs) {
        io.stderr(`${e}\n`);
        io.stdout('\n');
      }
      failed = true;
    } else {
      io.stdout('  SUCCESS\n');
    }
    io.stdout('\n');
  }
  return failed ? 1 : 0;
}

async function testFile(path: string, run: RegExp | undefined): Promise<string[]> {
  let spec: z.infer<typeof fileSchema>;
  try {
    // Every scalar as its source text (the failsafe schema): series values such as `0x10` are
    // promqltest notation, not YAML hex numbers.
    const parsed = fileSchema.safeParse(parseYaml(await readFile(path, 'utf8'), { schema: 'failsafe' }));
    if (!parsed.success) return [`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
    spec = parsed.data;
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
  const evalInterval = spec.evaluation_interval || 60_000;
  const order = new Map<string, number>();
  for (const [i, g] of (spec.group_eval_order ?? []).entries()) {
    if (order.has(g)) return [`group name repeated in evaluation order: ${g}`];
    order.set(g, i);
  }
  const errs: string[] = [];
  for (const tg of spec.tests ?? []) {
    const name = tg.name ?? '';
    if (run !== undefined && !run.test(name)) continue;
    errs.push(...(await testGroup(tg, spec.rule_files ?? [], dirname(path), evalInterval, order, spec.fuzzy_compare === true)));
  }
  return errs;
}

async function testGroup(tg: TestGroup, ruleFiles: readonly string[], baseDir: string, evalInterval: number, order: ReadonlyMap<string, number>, fuzzy: boolean): Promise<string[]> {
  const interval = tg.interval || evalInterval;
  const mint = tg.start_timestamp === undefined || tg.start_timestamp === null ? 0 : parseStart(tg.start_timestamp);
  if (Number.isNaN(mint)) return [`cannot parse start_timestamp ${JSON.stringify(tg.start_timestamp)}`];
  const mem = new MemStorage();
  // Native histograms are not supported: such series are left out and reported, the rest runs.
  const errs: string[] = [];
  for (const s of tg.input_series ?? []) {
    try {
      const { labels, rest } = parseSeriesDescriptor(s.series);
      if (rest.trim() !== '') throw new Error(`unexpected ${JSON.stringify(rest.trim())} after the series descriptor`);
      const { values, present, stale, histogram } = parseSeriesValues(s.values);
      if (histogram) {
        errs.push(`    input series ${JSON.stringify(s.series)}: native histogram values are not supported by Vigie`);
        continue;
      }
      values.forEach((v, k) => {
        if (present[k] === true) mem.append(labels, mint + k * interval, stale[k] === true ? staleNaN() : v);
      });
    } catch (e) {
      return [`    bad input series ${JSON.stringify(s.series)} with values ${JSON.stringify(s.values)}: ${e instanceof Error ? e.message : String(e)}`];
    }
  }
  const engine = new Engine({ defaultSubqueryStepMs: evalInterval });
  const manager = new RuleManager({
    engine,
    queryable: mem,
    appendable: memAppendable(mem),
    sendAlerts: () => {},
    evaluationIntervalMs: interval,
    externalLabels: tg.external_labels ?? {},
    externalURL: tg.external_url ?? '',
    restoreForState: false,
    clock: systemClock,
    logger: silentLogger(),
  });
  try {
    await manager.update(await loadRuleFiles(ruleFiles, baseDir));
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
  const groups = manager.groups().map((g, i) => ({ g, i })).sort((a, b) => (order.get(a.g.name) ?? 0) - (order.get(b.g.name) ?? 0) || a.i - b.i).map((x) => x.g);
  const prefix = tg.name ? `    name: ${tg.name},\n` : '';

  const alertTests = tg.alert_rule_test ?? [];
  for (const a of alertTests) {
    if (a.alertname === '') return [`an item under alert_rule_test misses required attribute alertname at eval_time ${formatDuration(a.eval_time)}${tg.name ? ` (in TestGroup ${tg.name})` : ''}`];
  }
  const evalTimes = [...new Set(alertTests.map((a) => a.eval_time))].sort((x, y) => x - y);
  const maxEval = Math.max(0, ...alertTests.map((a) => a.eval_time), ...(tg.promql_expr_test ?? []).map((p) => p.eval_time));
  let curr = 0;
  for (let ts = mint; ts <= mint + maxEval; ts += evalInterval) {
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.evaluate(ts);
      for (const r of g.rules) if (r.health === 'err') evalErrs.push(`    rule: ${r.name}, time: ${goDuration(ts)}, err: ${r.lastError ?? ''}`);
    }
    if (evalErrs.length > 0) return [...errs, ...evalErrs];
    while (curr < evalTimes.length && ts - mint <= evalTimes[curr]! && evalTimes[curr]! < ts + evalInterval - mint) {
      const t = evalTimes[curr]!;
      for (const tc of alertTests.filter((a) => a.eval_time === t)) {
        const got: LabelsAndAnnotations[] = [];
        for (const g of groups) {
          for (const r of g.rules) {
            if (!(r instanceof AlertingRuleState) || r.name !== tc.alertname) continue;
            for (const a of r.activeAlerts()) if (a.state === 'firing') got.push({ labels: a.labels, annotations: a.annotations });
          }
        }
        const exp: LabelsAndAnnotations[] = (tc.exp_alerts ?? []).map((e) => ({ labels: { ...(e.exp_labels ?? {}), alertname: tc.alertname }, annotations: e.exp_annotations ?? {} }));
        sortAlerts(got);
        sortAlerts(exp);
        if (!sameAlerts(exp, got)) {
          const ind = '            ';
          errs.push(`${prefix}    alertname: ${tc.alertname}, time: ${formatDuration(tc.eval_time)}, \n        exp:${indentLines(alertsString(exp), ind)}, \n        got:${indentLines(alertsString(got), ind)}`);
        }
      }
      curr++;
    }
  }

  const query = engineQueryFunc(engine, mem);
  for (const pt of tg.promql_expr_test ?? []) {
    const where = `    expr: ${JSON.stringify(pt.expr)}, time: ${formatDuration(pt.eval_time)}`;
    let got: { labels: Labels; v: number }[];
    try {
      got = (await query(pt.expr, mint + pt.eval_time)).map((s) => ({ labels: s.metric, v: s.v }));
    } catch (e) {
      errs.push(`${where}, err: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    let exp: { labels: Labels; v: number }[];
    try {
      exp = (pt.exp_samples ?? []).map((s) => {
        if (s.histogram !== undefined && s.histogram !== '') throw new Error(`labels ${JSON.stringify(s.labels)}: native histograms are not supported by Vigie`);
        return { labels: parseMetric(s.labels), v: s.value };
      });
    } catch (e) {
      errs.push(`${where}, err: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    exp.sort((a, b) => compareLabels(a.labels, b.labels));
    got.sort((a, b) => compareLabels(a.labels, b.labels));
    const same = exp.length === got.length && exp.every((e, k) => labelsEqual(e.labels, got[k]!.labels) && sameFloat(e.v, got[k]!.v, fuzzy));
    if (!same) errs.push(`${where},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(got)}`);
  }
  return errs;
}

function parseMetric(s: string): Labels {
  if (s.trim() === '') return [];
  const { labels, rest } = parseSeriesDescriptor(s.trim());
  if (rest.trim() !== '') throw new Error(`labels ${JSON.stringify(s)}: unexpected ${JSON.stringify(rest.trim())}`);
  return labels;
}

/** Unix seconds (with decimals) or RFC 3339, as promtool's start_timestamp; NaN when neither. */
function parseStart(s: string): number {
  const n = Number(s);
  if (s.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  return /^\d{4}-\d\d-\d\dT/.test(s) ? Date.parse(s) : NaN;
}

function sameFloat(a: number, b: number, fuzzy: boolean): boolean {
  if (a === b) return true;
  if (!fuzzy) return false;
  return nextAfter(a, -Infinity) === b || nextAfter(a, Infinity) === b;
}

/** The next float64 after `x` towards `to`. */
function nextAfter(x: number, to: number): number {
  if (Number.isNaN(x) || x === to) return x;
  if (x === 0) return to > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigUint64(0);
  bits += (to > x) === (x > 0) ? 1n : -1n;
  buf.setBigUint64(0, bits);
  return buf.getFloat64(0);
}

function samplesString(s: readonly { labels: Labels; v: number }[]): string {
  return s.length === 0 ? 'nil' : s.map((x) => `${goLabels(x.labels)} ${goFloatE(x.v)}`).join(', ');
}

function sortAlerts(list: LabelsAndAnnotations[]): void {
  list.sort((a, b) => compareLabels(labelsFromRecord(a.labels), labelsFromRecord(b.labels)) || compareLabels(labelsFromRecord(a.annotations), labelsFromRecord(b.annotations)));
}

function sameAlerts(a: readonly LabelsAndAnnotations[], b: readonly LabelsAndAnnotations[]): boolean {
  const eq = (x: Readonly<Record<string, string>>, y: Readonly<Record<string, string>>): boolean => labelsEqual(labelsFromRecord(x), labelsFromRecord(y));
  return a.length === b.length && a.every((x, i) => eq(x.labels, b[i]!.labels) && eq(x.annotations, b[i]!.annotations));
}
