#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with Node's test runner and ends
// with the plain line "N passed, N failed, N skipped" that CI reads.
// Usage: node scripts/run-tests.mjs [substring filter ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = ['dist/src', 'dist/bench'].flatMap((d) => { try { return find(d, []); } catch { return []; } })
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (files.length === 0) { console.error('no test files found under dist/ (did the build run?)'); process.exit(1); }
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/summary-reporter.mjs', '--test-reporter-destination=stdout', ...files], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
