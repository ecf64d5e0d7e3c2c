import { conformanceDir } from './locate.js';
import { type FileOutcome, listTestFiles, readSkipIndex, runFile } from './run.js';

/**
 * `node dist/src/promql/engine/promqltest/cli.js [-v] [file-substring…]`: runs the shared
 * promqltest files and prints a per-file table and the total
 * `N passed, N failed, N skipped`. With -v, lists each failure with its reason.
 */
async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('-v');
  const filters = argv.filter((a) => a !== '-v');
  const dir = conformanceDir();
  if (!dir) {
    process.stderr.write('conformance folder ../shared/conformance/promqltest not found\n');
    return 2;
  }
  const skips = readSkipIndex(dir);
  const results: FileOutcome[] = [];
  for (const f of listTestFiles(dir)) {
    if (filters.length > 0 && !filters.some((x) => f.includes(x))) continue;
    results.push(await runFile(dir, f, skips));
  }
  let tp = 0, tf = 0, ts = 0;
  const lines: string[] = [];
  lines.push(`${'file'.padEnd(28)} ${'pass'.padStart(5)} ${'fail'.padStart(5)} ${'skip'.padStart(5)}`);
  for (const r of results) {
    const p = r.evals.filter((e) => e.status === 'pass').length;
    const f = r.evals.filter((e) => e.status === 'fail').length;
    const s = r.evals.filter((e) => e.status === 'skip').length;
    tp += p;
    tf += f;
    ts += s;
    lines.push(`${r.file.padEnd(28)} ${String(p).padStart(5)} ${String(f).padStart(5)} ${String(s).padStart(5)}${r.error ? '  ERROR ' + r.error : ''}`);
    if (verbose) for (const e of r.evals) if (e.status === 'fail') lines.push(`    ${r.file}:${e.line}: ${e.reason ?? ''}`);
  }
  lines.push(`${tp} passed, ${tf} failed, ${ts} skipped`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);
