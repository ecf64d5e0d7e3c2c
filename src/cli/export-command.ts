import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_EXTENSIONS, exportSamples, newExportCounts } from '../exchange/index.js';
import type { Matcher } from '../model/index.js';
import { PromQLParseError, parseMetricSelector } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import { type ExportFlags, UsageError } from './args.js';
import { openCommandDb } from './open-db.js';

const DAY_MS = 86_400_000;

/** Where `vigie export` writes and reports. */
export interface ExportEnv {
  readonly stdout: (text: string) => void | Promise<void>;
  readonly stderr: (text: string) => void;
}

/** One output file: the samples in [from, to] (ms, inclusive) go to `name` (undefined = stdout). */
export interface ExportPeriod {
  readonly from: number;
  readonly to: number;
  readonly name: string | undefined;
}

/**
 * Cuts [from, to] into the files `vigie export` writes: one (stdout, or `export.<ext>` in --out),
 * or one per UTC day (`YYYY-MM-DD.<ext>`) or ISO week starting Monday (`week-YYYY-MM-DD.<ext>`).
 */
export function exportPeriods(flags: Pick<ExportFlags, 'from' | 'to' | 'split' | 'outDir' | 'format'>): ExportPeriod[] {
  const ext = FILE_EXTENSIONS[flags.format];
  if (flags.outDir === undefined) return [{ from: flags.from, to: flags.to, name: undefined }];
  if (flags.split === undefined) return [{ from: flags.from, to: flags.to, name: `export.${ext}` }];
  const len = flags.split === 'day' ? DAY_MS : 7 * DAY_MS;
  let start = Math.floor(flags.from / DAY_MS) * DAY_MS;
  // 1970-01-01 was a Thursday: step back to that week's Monday.
  if (flags.split === 'week') start -= ((new Date(start).getUTCDay() + 6) % 7) * DAY_MS;
  const out: ExportPeriod[] = [];
  for (let p = start; p <= flags.to; p += len) {
    const date = new Date(p).toISOString().slice(0, 10);
    out.push({ from: Math.max(p, flags.from), to: Math.min(p + len - 1, flags.to), name: `${flags.split === 'week' ? 'week-' : ''}${date}.${ext}` });
  }
  return out;
}

/** Parses the --match selectors; throws UsageError naming the bad one. */
export function parseMatchFlags(match: readonly string[]): Matcher[][] {
  return match.map((m) => {
    try {
      return parseMetricSelector(m);
    } catch (e) {
      if (e instanceof PromQLParseError) throw new UsageError(`invalid selector --match ${JSON.stringify(m)}: ${e.message}`, { cause: e });
      throw e;
    }
  });
}

/**
 * Writes the export described by `flags` from `queryable`. Files are written as `<name>.tmp`
 * then renamed, so a file that exists is complete; a period without samples gets no file.
 * Returns the totals.
 */
export async function writeExport(queryable: Queryable, flags: ExportFlags, env: ExportEnv): Promise<{ series: number; samples: number; files: string[] }> {
  const selectors = parseMatchFlags(flags.match);
  if (flags.outDir !== undefined) await mkdir(flags.outDir, { recursive: true });
  // A series spanning several periods (files) counts once.
  const seriesKeys = new Set<string>();
  let samples = 0;
  const files: string[] = [];
  for (const p of exportPeriods(flags)) {
    const counts = { ...newExportCounts(), seriesKeys };
    const gen = exportSamples(queryable, { selectors, mint: p.from, maxt: p.to, format: flags.format }, counts);
    if (p.name === undefined || flags.outDir === undefined) {
      for await (const piece of gen) await env.stdout(piece);
    } else {
      const path = join(flags.outDir, p.name);
      const tmp = `${path}.tmp`;
      const fh = await open(tmp, 'w');
      try {
        for await (const piece of gen) await fh.write(piece);
        await fh.sync();
      } catch (e) {
        await fh.close();
        await rm(tmp, { force: true });
        throw e;
      }
      await fh.close();
      if (counts.samples === 0) await rm(tmp, { force: true });
      else {
        await rename(tmp, path);
        files.push(path);
      }
    }
    samples += counts.samples;
  }
  return { series: seriesKeys.size, samples, files };
}

/** `vigie export`: opens the data directory, writes the export, reports on stderr. Returns the exit code. */
export async function runExportCommand(flags: ExportFlags, env: ExportEnv): Promise<number> {
  parseMatchFlags(flags.match); // bad selectors fail before the database is opened
  if (!existsSync(join(flags.dataDir, 'tsdb'))) {
    env.stderr(`vigie export: no database in ${flags.dataDir} (expected ${join(flags.dataDir, 'tsdb')}); use --data-dir\n`);
    return 1;
  }
  const db = await openCommandDb(flags.dataDir, `export over HTTP:\n  curl -G 'http://127.0.0.1:9400/api/v1/export' ${httpHint(flags)}\n`);
  try {
    const r = await writeExport(db, flags, env);
    const where = flags.outDir === undefined ? '' : r.files.length === 0 ? ' (no file written)' : ` into ${r.files.length} file(s) in ${flags.outDir}`;
    env.stderr(`exported ${r.samples} samples of ${r.series} series${where}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

/** The curl arguments equivalent to the flags. */
function httpHint(flags: ExportFlags): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = flags.match.map((m) => `--data-urlencode ${q(`match[]=${m}`)}`);
  parts.push(`-d start=${flags.from / 1000}`, `-d end=${flags.to / 1000}`, `-d format=${flags.format}`);
  return parts.join(' ');
}
