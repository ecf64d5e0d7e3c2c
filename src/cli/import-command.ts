import { readFile } from 'node:fs/promises';
import { ImportError, type ParsedImport, parseImportText } from '../exchange/index.js';
import { ExpositionParseError, decodeExposition } from '../textparse/index.js';
import type { ImportFlags } from './args.js';
import { openCommandDb } from './open-db.js';

/** Where `vigie import` reads and reports. */
export interface ImportEnv {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Draw a progress bar on stderr (a terminal). */
  readonly progress: boolean;
  /** Reads stdin fully (for FILE '-'). */
  readonly readStdin?: () => Promise<Uint8Array>;
  readonly now?: () => number;
}

/** The server's default retention; the summary warns about samples it would delete. */
const DEFAULT_RETENTION_MS = 15 * 86_400_000;

/** A one-line progress bar drawn with `\r` on a terminal. */
function progressBar(env: ImportEnv, label: string): { update: (done: number, total: number) => void; end: () => void } {
  let last = -1;
  return {
    update(done, total) {
      if (!env.progress) return;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      env.stderr(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}%`);
    },
    end() {
      if (env.progress && last >= 0) env.stderr('\n');
    },
  };
}

const iso = (t: number): string => new Date(t).toISOString();

/**
 * `vigie import FILE`: parses the whole file first (nothing is written when it has an error,
 * reported with its line), then backfills it (Db.importSamples) and prints a summary on
 * stdout. Returns the exit code: 0 done, 1 bad input or storage failure.
 */
export async function runImportCommand(flags: ImportFlags, env: ImportEnv): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = flags.file === '-' ? await (env.readStdin ?? readAllStdin)() : await readFile(flags.file);
  } catch (err) {
    env.stderr(`vigie import: cannot read ${flags.file}: ${(err as Error).message}\n`);
    return 1;
  }
  let parsed: ParsedImport;
  const bar = progressBar(env, 'reading');
  try {
    const text = decodeExposition(bytes);
    parsed = parseImportText(text, { format: flags.format, onProgress: bar.update });
    bar.end();
  } catch (err) {
    bar.end();
    if (err instanceof ImportError || err instanceof ExpositionParseError) {
      env.stderr(`vigie import: ${flags.file}: ${err.message}\nNothing was imported.\n`);
      return 1;
    }
    throw err;
  }
  if (parsed.samples === 0) {
    env.stderr(`vigie import: ${flags.file}: no samples found; nothing to import\n`);
    return 1;
  }
  const db = await openCommandDb(flags.dataDir, 'import into a copy of the data and move the new blocks in while the server is stopped.\n');
  try {
    if (env.progress) env.stderr(`writing ${parsed.samples} samples of ${parsed.series.length} series...`);
    const r = await db.importSamples(parsed.series);
    if (env.progress) env.stderr(' done\n');
    const lines = [
      `imported ${flags.file} (${parsed.format === 'openmetrics' ? 'OpenMetrics' : 'Prometheus text'}) into ${flags.dataDir}`,
      `  series:   ${parsed.series.length}`,
      `  samples:  ${parsed.samples} (${r.blockSamples} into ${r.blocks} new block(s), ${r.headSamples} into the head)`,
      `  from:     ${iso(parsed.minTime)}`,
      `  to:       ${iso(parsed.maxTime)}`,
    ];
    if (parsed.duplicates > 0) lines.push(`  ${parsed.duplicates} duplicate samples (same series, time and value) were kept once`);
    const rejected = Object.entries(r.rejected).filter(([, n]) => n > 0);
    if (rejected.length > 0) lines.push(`  refused by the head: ${rejected.map(([k, n]) => `${n} ${k.replaceAll('_', '-')}`).join(', ')} (the database already has newer samples of those series)`);
    const now = (env.now ?? Date.now)();
    if (parsed.minTime < now - DEFAULT_RETENTION_MS) {
      lines.push(`  note: samples older than the server's retention (storage.retention.time, default 15d) are deleted when it next runs maintenance`);
    }
    if (parsed.maxTime > now + 5 * 60_000) lines.push(`  note: samples in the future (after ${iso(now)}): newer scraped samples are refused until then`);
    env.stdout(lines.join('\n') + '\n');
    return 0;
  } finally {
    await db.close();
  }
}

async function readAllStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
