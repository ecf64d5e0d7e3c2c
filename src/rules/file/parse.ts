import { type Document, LineCounter, parseDocument } from 'yaml';
import { MAX_ALIAS_COUNT, type SourcePos, parseDuration, positionOf, toPos } from '../../config/index.js';
import { parseExpr } from '../../promql/index.js';
import { TemplateError, checkTemplate } from '../../template/index.js';
import type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from '../types.js';
import { RuleFileError, type RuleFileIssue } from './errors.js';
import { exprMistakes } from './expr-hints.js';

/**
 * Label and annotation names: 'utf8' (Prometheus 3's default: any non-empty UTF-8 name) or
 * 'legacy' (`[a-zA-Z_][a-zA-Z0-9_]*`). Recording rule names are always legacy metric names.
 */
export type NameValidation = 'utf8' | 'legacy';

export interface ParseRuleFileOptions {
  readonly nameValidation?: NameValidation;
  /** Accept keys rulefmt does not know instead of rejecting them (promtool's --ignore-unknown-fields). */
  readonly ignoreUnknownFields?: boolean;
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const FILE_KEYS = ['groups'];
const GROUP_KEYS = ['name', 'interval', 'query_offset', 'limit', 'rules', 'labels'];
const RULE_KEYS = ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];

type Path = readonly (string | number)[];

/**
 * Parses and validates a Prometheus rule file (`groups:`), like Prometheus' rulefmt, strictly:
 * unknown keys are errors. Every problem found is reported at once, each with `path:line:col`.
 * Throws RuleFileError.
 */
export function parseRuleFile(text: string, path: string, opts: ParseRuleFileOptions = {}): RuleFile {
  return new RuleFileParser(text, path, opts.nameValidation ?? 'utf8', opts.ignoreUnknownFields ?? false).parse();
}

class RuleFileParser {
  private readonly lc = new LineCounter();
  private readonly issues: RuleFileIssue[] = [];
  private doc: Document | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly names: NameValidation,
    private readonly ignoreUnknown: boolean,
  ) {}

  private pos(path: Path, at: 'key' | 'value' = 'value'): SourcePos | Record<string, never> {
    return (this.doc && positionOf(this.doc, this.lc, path, at)) ?? {};
  }

  private issue(path: Path, where: string, message: string, at: 'key' | 'value' = 'value'): void {
    this.issues.push({ file: this.file, ...this.pos(path, at), where, message });
  }

  parse(): RuleFile {
    const doc = parseDocument(this.text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true, merge: true, strict: true });
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      throw new RuleFileError(
        problems.map((e) => ({ file: this.file, ...toPos(this.lc, e.pos[0]), where: '', message: yamlMessage(e.code, e.message) })),
      );
    }
    this.doc = doc;
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new RuleFileError([{ file: this.file, where: '', message: err instanceof ReferenceError ? 'too many alias expansions (YAML anchors/aliases)' : `cannot read YAML: ${String(err)}` }], { cause: err });
    }
    const groups: RuleGroup[] = [];
    if (data !== null && data !== undefined) {
      if (!isRecord(data)) {
        this.issue([], '', `expected a map with a "groups" list, got ${describe(data)}`);
      } else {
        this.unknownKeys(data, [], '', FILE_KEYS);
        const raw = data['groups'];
        if (raw !== undefined && raw !== null && !Array.isArray(raw)) this.issue(['groups'], '', `groups: expected a list, got ${describe(raw)}`);
        else if (Array.isArray(raw)) {
          const seen = new Set<string>();
          raw.forEach((g, gi) => {
            const group = this.group(g, gi, seen);
            if (group !== undefined) groups.push(group);
          });
        }
      }
    }
    if (this.issues.length > 0) throw new RuleFileError(this.issues);
    return { path: this.file, groups };
  }

  private unknownKeys(obj: Record<string, unknown>, path: Path, where: string, known: readonly string[]): void {
    if (this.ignoreUnknown) return;
    for (const k of Object.keys(obj)) {
      if (known.includes(k)) continue;
      const guess = known.find((c) => editDistance(c, k) <= 2);
      this.issue([...path, k], where, `unknown field ${JSON.stringify(k)}${guess === undefined ? `, expected one of ${known.join(', ')}` : ` (did you mean ${JSON.stringify(guess)}?)`}`, 'key');
    }
  }

  private group(g: unknown, gi: number, seen: Set<string>): RuleGroup | undefined {
    const path = ['groups', gi];
    if (!isRecord(g)) {
      this.issue(path, `group ${gi + 1}`, `expected a map, got ${describe(g)}`);
      return undefined;
    }
    const name = typeof g['name'] === 'string' ? g['name'] : '';
    const where = name === '' ? `group ${gi + 1}` : `group ${JSON.stringify(name)}`;
    this.unknownKeys(g, path, where, GROUP_KEYS);
    if (g['name'] !== undefined && typeof g['name'] !== 'string') this.issue([...path, 'name'], where, `name: expected a string, got ${describe(g['name'])}`);
    else if (name === '') this.issue(path, where, 'group name must not be empty');
    else if (seen.has(name)) this.issue([...path, 'name'], where, `group name ${JSON.stringify(name)} is repeated in the same file`);
    seen.add(name);
    const intervalMs = this.duration(g['interval'], [...path, 'interval'], where, 'interval');
    if (intervalMs === 0) this.issue([...path, 'interval'], where, 'interval must be greater than 0');
    const queryOffsetMs = this.duration(g['query_offset'], [...path, 'query_offset'], where, 'query_offset');
    let limit = 0;
    const rawLimit = g['limit'];
    if (rawLimit !== undefined && rawLimit !== null) {
      if (typeof rawLimit !== 'number' || !Number.isSafeInteger(rawLimit) || rawLimit < 0) this.issue([...path, 'limit'], where, `limit: expected a whole number >= 0, got ${describe(rawLimit)}`);
      else limit = rawLimit;
    }
    const labels = this.labelMap(g['labels'], [...path, 'labels'], where, 'label');
    const rules: Rule[] = [];
    const rawRules = g['rules'];
    if (rawRules !== undefined && rawRules !== null && !Array.isArray(rawRules)) this.issue([...path, 'rules'], where, `rules: expected a list, got ${describe(rawRules)}`);
    else if (Array.isArray(rawRules)) {
      rawRules.forEach((r, ri) => {
        const rule = this.rule(r, [...path, 'rules', ri], `${where}, rule ${ri + 1}`);
        if (rule !== undefined) rules.push(rule);
      });
    }
    return { name, intervalMs, limit, queryOffsetMs, labels, rules };
  }

  private duration(v: unknown, path: Path, where: string, field: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && !(typeof v === 'number' && v === 0)) {
      this.issue(path, where, `${field}: expected a duration such as 30s or 5m, got ${describe(v)}`);
      return undefined;
    }
    try {
      return parseDuration(String(v));
    } catch (err) {
      this.issue(path, where, `${field}: ${err instanceof Error ? err.message : String(err)} (use units like 30s, 5m, 1h)`);
      return undefined;
    }
  }

  private scalarString(v: unknown): string | undefined {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  private validName(name: string, kind: 'label' | 'annotation'): boolean {
    if (name === '') return false;
    if (kind === 'label' && name === '__name__') return false;
    return this.names === 'legacy' ? LEGACY_NAME.test(name) : true;
  }

  private labelMap(v: unknown, path: Path, where: string, kind: 'label' | 'annotation'): Record<string, string> {
    const out: Record<string, string> = {};
    if (v === undefined || v === null) return out;
    if (!isRecord(v)) {
      this.issue(path, where, `${kind}s: expected a map of names to values, got ${describe(v)}`);
      return out;
    }
    for (const [k, raw] of Object.entries(v)) {
      if (!this.validName(k, kind)) {
        const why = k === '__name__' ? ' (the metric name cannot be set as a label)' : this.names === 'legacy' ? ' (names are letters, digits and _, not starting with a digit)' : '';
        this.issue([...path, k], where, `invalid ${kind} name: ${JSON.stringify(k)}${why}`, 'key');
        continue;
      }
      const s = this.scalarString(raw);
      if (s === undefined) this.issue([...path, k], where, `${kind} ${JSON.stringify(k)}: expected a string value, got ${describe(raw)}`);
      else out[k] = s;
    }
    return out;
  }

  private rule(r: unknown, path: Path, whereBase: string): Rule | undefined {
    if (!isRecord(r)) {
      this.issue(path, whereBase, `expected a map with record or alert, and expr; got ${describe(r)}`);
      return undefined;
    }
    const record = this.scalarString(r['record']);
    const alert = this.scalarString(r['alert']);
    const where = `${whereBase}${record !== undefined ? ` (${JSON.stringify(record)})` : alert !== undefined ? ` (${JSON.stringify(alert)})` : ''}`;
    const line = this.pos(path).line;
    this.unknownKeys(r, path, where, RULE_KEYS);
    const issuesBefore = this.issues.length;
    if (record !== undefined && alert !== undefined) this.issue(path, where, "only one of 'record' and 'alert' may be set");
    else if (record === undefined && alert === undefined) this.issue(path, where, "one of 'record' or 'alert' must be set");
    if (record === '' || alert === '') this.issue([...path, record === '' ? 'record' : 'alert'], where, `${record === '' ? 'record' : 'alert'} name must not be empty`);
    const expr = this.scalarString(r['expr']);
    if (expr === undefined || expr.trim() === '') this.issue(path, where, "field 'expr' must be set in rule");
    else this.checkExpr(expr, [...path, 'expr'], where);
    const labels = this.labelMap(r['labels'], [...path, 'labels'], where, 'label');
    if (record !== undefined && alert === undefined) {
      for (const field of ['for', 'keep_firing_for', 'annotations']) {
        if (r[field] !== undefined) this.issue([...path, field], where, `invalid field '${field}' in recording rule (only alerting rules have it)`, 'key');
      }
      if (record !== '' && !METRIC_NAME.test(record)) this.issue([...path, 'record'], where, `invalid recording rule name: ${JSON.stringify(record)} (a metric name: letters, digits, _ and :, not starting with a digit)`);
      if (this.issues.length > issuesBefore || expr === undefined) return undefined;
      const rule: RecordingRule = { kind: 'recording', record, expr, labels, line };
      return rule;
    }
    const annotations = this.labelMap(r['annotations'], [...path, 'annotations'], where, 'annotation');
    const forMs = this.duration(r['for'], [...path, 'for'], where, 'for') ?? 0;
    const keepFiringForMs = this.duration(r['keep_firing_for'], [...path, 'keep_firing_for'], where, 'keep_firing_for') ?? 0;
    for (const [kind, map] of [['labels', labels], ['annotations', annotations]] as const) {
      for (const [k, text] of Object.entries(map)) this.checkTemplateText(text, `${kind}.${k}`, [...path, kind, k], where);
    }
    if (this.issues.length > issuesBefore || expr === undefined || alert === undefined) return undefined;
    const rule: AlertingRule = { kind: 'alerting', alert, expr, forMs, keepFiringForMs, labels, annotations, line };
    return rule;
  }

  private checkExpr(expr: string, path: Path, where: string): void {
    let parsed;
    try {
      parsed = parseExpr(expr);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.issue(path, where, `could not parse expression: ${msg} in ${JSON.stringify(expr.trim())}`);
      return;
    }
    for (const m of exprMistakes(parsed)) this.issue(path, where, m);
  }

  private checkTemplateText(text: string, name: string, path: Path, where: string): void {
    try {
      checkTemplate(name, text);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      this.issue(path, where, `invalid template in ${name}: ${err.message}`);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  return typeof v;
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key (each key may appear once in a map)';
  if (code === 'MULTIPLE_DOCS') return 'only one YAML document is allowed (found a second one after ---)';
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
