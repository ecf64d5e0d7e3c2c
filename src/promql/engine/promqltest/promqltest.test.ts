import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conformanceDir, listTestFiles, readSkipIndex, runFile } from './index.js';

/**
 * Runs every shared promqltest file and fails if fewer evals pass than MIN_PASSED (the
 * result when this engine was written; raise it as the engine improves). Skips are
 * only native-histogram rows and unimplemented experimental features (EVAL_INDEX.tsv).
 */
const MIN_PASSED = 1114;

test('promqltest conformance does not regress', { timeout: 600_000 }, async (t) => {
  const dir = conformanceDir();
  if (!dir) {
    t.skip('../shared/conformance/promqltest not present');
    return;
  }
  const skips = readSkipIndex(dir);
  let passed = 0, failed = 0, skipped = 0;
  for (const f of listTestFiles(dir)) {
    const r = await runFile(dir, f, skips);
    for (const e of r.evals) {
      if (e.status === 'pass') passed++;
      else if (e.status === 'fail') failed++;
      else skipped++;
    }
  }
  t.diagnostic(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  assert.ok(passed >= MIN_PASSED, `only ${passed} evals passed, expected at least ${MIN_PASSED}`);
});
