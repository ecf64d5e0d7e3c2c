// Runs the web UI's unit tests (vitest, in ui/) and reports each as a node:test test, so that
// `make test` and CI's "N passed, N failed" line count them with the rest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

// dist/src/server/ui-vitest.test.js -> <repo>/ui
const UI = fileURLToPath(new URL('../../../ui/', import.meta.url));
const VITEST = join(UI, 'node_modules', 'vitest', 'vitest.mjs');

interface VitestAssertion {
  readonly fullName: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
}
interface VitestReport {
  readonly testResults: readonly { readonly name: string; readonly assertionResults: readonly VitestAssertion[]; readonly message?: string; readonly status: string }[];
}

function runVitest(): { report?: VitestReport; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-vitest-'));
  try {
    const out = join(dir, 'report.json');
    const r = spawnSync(process.execPath, [VITEST, 'run', '--reporter=json', `--outputFile=${out}`], { cwd: UI, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true' } });
    const output = `${r.stdout}\n${r.stderr}`;
    if (!existsSync(out)) return { output };
    return { report: JSON.parse(readFileSync(out, 'utf8')) as VitestReport, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(VITEST)) {
  describe('web UI unit tests (vitest)', () => {
    it('runs', (t) => t.skip(`UI DEPENDENCIES NOT INSTALLED: ${VITEST} is missing; run "make build" (npm ci in ui/)`));
  });
} else {
  const { report, output } = runVitest();
  describe('web UI unit tests (vitest)', () => {
    if (report === undefined) {
      it('produces a report', () => assert.fail(`vitest wrote no report:\n${output.slice(-4000)}`));
      return;
    }
    for (const file of report.testResults) {
      const name = file.name.startsWith(UI) ? file.name.slice(UI.length) : file.name;
      if (file.assertionResults.length === 0) {
        it(`${name} loads`, () => assert.equal(file.status, 'passed', file.message ?? 'no test ran'));
        continue;
      }
      for (const a of file.assertionResults) {
        it(`${name} > ${a.fullName}`, (t) => {
          if (a.status === 'skipped' || a.status === 'pending' || a.status === 'todo') return t.skip('skipped in vitest');
          assert.equal(a.status, 'passed', a.failureMessages.join('\n'));
        });
      }
    }
  });
}
