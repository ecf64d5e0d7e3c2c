import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Expr, formatExpr, parseExpr } from '../../parser/index.js';
import { Engine } from '../engine.js';
import type { Result } from '../types.js';
import { compareAnnotations, compareResult } from './compare.js';
import { type EvalCmd, parseScript } from './script.js';
import { MemStorage } from '../../../storage/index.js';

/** Outcome of one eval statement. */
export interface EvalOutcome {
  readonly line: number;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly reason?: string;
}

export interface FileOutcome {
  readonly file: string;
  readonly evals: readonly EvalOutcome[];
  /** Set when the file itself could not be read or parsed. */
  readonly error?: string;
}

/** Why an eval may be skipped, keyed by `file:line` (from EVAL_INDEX.tsv). */
export type SkipIndex = ReadonlyMap<string, string>;

/** Features that Vigie does not implement (experimental in Prometheus). */
const UNSUPPORTED_FEATURES = ['anchored', 'smoothed', 'start_timestamps', 'experimental_fn:info'];

/**
 * Reads EVAL_INDEX.tsv: rows touching native histograms, and rows using experimental
 * features Vigie does not implement, may be skipped.
 */
export function readSkipIndex(dir: string): SkipIndex {
  const out = new Map<string, string>();
  const text = readFileSync(join(dir, 'EVAL_INDEX.tsv'), 'utf8');
  for (const row of text.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols.length < 7) continue;
    const [file, line, , , , nh, features] = cols as [string, string, string, string, string, string, string];
    const key = `${file}:${line}`;
    if (nh === '1') out.set(key, 'native histograms');
    else {
      const f = features.split(',');
      const hit = f.find((x) => UNSUPPORTED_FEATURES.some((u) => x === u || x.startsWith(u)));
      if (hit) out.set(key, `experimental: ${hit}`);
    }
  }
  return out;
}

/** Lists the `.test` files of a conformance folder, sorted. */
export function listTestFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.test')).sort();
}


/** Runs one test file against a fresh in-memory storage. */
export async function runFile(dir: string, file: string, skips: SkipIndex, engine = new Engine({ timeoutMs: 100_000 })): Promise<FileOutcome> {
  let cmds;
  try {
    cmds = parseScript(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    return { file, evals: [], error: (e as Error).message };
  }
  const storage = new MemStorage();
  const evals: EvalOutcome[] = [];
  for (const c of cmds) {
    if (c.kind === 'clear') {
      storage.clear();
      continue;
    }
    if (c.kind === 'load') {
      for (const s of c.series) {
        for (let i = 0; i < s.values.length; i++) {
          if (s.present[i]) storage.append(s.labels, i * c.interval, s.values[i]!);
        }
      }
      continue;
    }
    const skip = skips.get(`${file}:${c.line}`) ?? (c.histogram ? 'native histograms' : undefined);
    if (skip) {
      evals.push({ line: c.line, status: 'skip', reason: skip });
      continue;
    }
    const reason = await runEval(engine, storage, c);
    evals.push(reason === undefined ? { line: c.line, status: 'pass' } : { line: c.line, status: 'fail', reason });
  }
  return { file, evals };
}

async function exec(engine: Engine, storage: MemStorage, c: EvalCmd, start: number, end: number, step: number, instant: boolean): Promise<Result> {
  return instant ? engine.instantQuery(storage, c.expr, start) : engine.rangeQuery(storage, c.expr, start, end, step);
}

/** Adds `@ at` to every selector and subquery without one, not descending into subqueries (FORMAT.md §10.1). */
function withAt(e: Expr, at: number): Expr {
  switch (e.kind) {
    case 'VectorSelector':
      return e.at === undefined ? { ...e, at } : e;
    case 'MatrixSelector':
      return e.vectorSelector.at === undefined ? { ...e, vectorSelector: { ...e.vectorSelector, at } } : e;
    case 'SubqueryExpr':
      return e.at === undefined ? { ...e, at } : e;
    case 'ParenExpr':
    case 'UnaryExpr':
      return { ...e, expr: withAt(e.expr, at) };
    case 'BinaryExpr':
      return { ...e, lhs: withAt(e.lhs, at), rhs: withAt(e.rhs, at) };
    case 'AggregateExpr':
      return { ...e, expr: withAt(e.expr, at), param: e.param && withAt(e.param, at) };
    case 'Call':
      return { ...e, args: e.args.map((a) => withAt(a, at)) };
    case 'NumberLiteral':
    case 'StringLiteral':
      return e;
  }
}

const AT_UNSAFE = /\b(time|timestamp|minute|hour|month|year|day_of_month|day_of_week|day_of_year|days_in_month|predict_linear|start|end|range|step)\s*\(/;

/** Runs one eval, then its `@` variants (FORMAT.md §10.1); returns undefined on success or the reason of the failure. */
async function runEval(engine: Engine, storage: MemStorage, c: EvalCmd): Promise<string | undefined> {
  const bad = await runEvalOnce(engine, storage, c);
  if (bad !== undefined || !c.instant || AT_UNSAFE.test(c.expr) || c.expects.some((x) => x.type === 'fail')) return bad;
  let expr: Expr;
  try {
    expr = withAt(parseExpr(c.expr), c.start);
  } catch {
    return undefined;
  }
  const text = formatExpr(expr);
  const T = c.start;
  const times = T === 0 ? [-1000, 0, 1000] : [-10 * T, 0, Math.trunc(T / 5), T, 10 * T];
  for (const t of times) {
    const variant: EvalCmd = { ...c, expr: text, start: t, end: t };
    const r = await runEvalOnce(engine, storage, variant);
    if (r !== undefined) return `@ variant at ${t} (${text}): ${r}`;
  }
  return undefined;
}

async function runEvalOnce(engine: Engine, storage: MemStorage, c: EvalCmd): Promise<string | undefined> {
  const fail = c.expects.find((x) => x.type === 'fail');
  const ordered = c.expects.some((x) => x.type === 'ordered');
  let res: Result;
  try {
    res = await exec(engine, storage, c, c.start, c.end, c.step, c.instant);
  } catch (e) {
    const msg = (e as Error).message;
    if (!fail) return `error: ${msg}`;
    if (fail.msg !== undefined && msg !== fail.msg) return `error message ${JSON.stringify(msg)}, expected ${JSON.stringify(fail.msg)}`;
    if (fail.regex && !fail.regex.test(msg)) return `error message ${JSON.stringify(msg)} does not match ${fail.regex.source}`;
    return undefined;
  }
  if (fail) return `expected failure, got ${res.type} result`;
  const bad = compareResult(c, res, ordered) ?? compareAnnotations(c.expects, res);
  if (bad) return bad;
  // Range-mode cross-check of instant queries (FORMAT.md §10.2).
  if (c.instant && !ordered && !c.rangeVector && c.string === undefined && !/\b(start|end|range|step)\s*\(\s*\)/.test(c.expr)) {
    let r: Result;
    try {
      r = await engine.rangeQuery(storage, c.expr, c.start - 60_000, c.start + 60_000, 60_000);
    } catch (e) {
      return `range-mode check: error: ${(e as Error).message}`;
    }
    if (r.type !== 'matrix') return 'range-mode check: not a matrix';
    let converted: Result;
    if (c.scalar !== undefined) {
      const s = r.value[0];
      const i = s ? Array.from(s.t).indexOf(c.start) : -1;
      converted = { type: 'scalar', value: { t: c.start, v: s && i >= 0 ? s.v[i]! : NaN }, warnings: [], infos: [] };
    } else {
      const value = [];
      for (const s of r.value) {
        const i = Array.from(s.t).indexOf(c.start);
        if (i >= 0) value.push({ metric: s.metric, t: c.start, v: s.v[i]! });
      }
      converted = { type: 'vector', value, warnings: [], infos: [] };
    }
    const bad2 = compareResult(c, converted, false);
    if (bad2) return `range-mode check: ${bad2}`;
  }
  return undefined;
}
