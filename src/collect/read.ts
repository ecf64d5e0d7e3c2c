import { readFile } from 'node:fs/promises';
import { CollectError } from './types.js';

/**
 * Reads a whole (pseudo-)file as UTF-8. /proc files report a size of 0; readFile reads to EOF.
 * Throws `CollectError` naming `collector` and `path`, with the fs error as cause.
 */
export async function readText(collector: string, path: string, signal: AbortSignal): Promise<string> {
  try {
    return await readFile(path, { encoding: 'utf8', signal });
  } catch (cause) {
    throw new CollectError(collector, `cannot read ${path}: ${errorMessage(cause)}`, { cause });
  }
}

/** The `code` of a Node.js system error (`ENOENT`...), or undefined. */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof CollectError) return errorCode(err.cause);
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number as /proc writes it (`123`, `0.52`, `-1`), or undefined for anything else
 * (empty, `0x1f`, `NaN`, `1e999` = Infinity...). Never throws.
 */
export function parseNumber(s: string | undefined): number | undefined {
  if (s === undefined || !DECIMAL_RE.test(s)) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** Lines of `text` split into whitespace-separated fields; blank lines are dropped. */
export function fieldLines(text: string): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== '') out.push(f);
  }
  return out;
}

/** Throws a `CollectError` when a parser rejected some lines (after the good ones were emitted). */
export function failOnBadLines(collector: string, path: string, bad: readonly string[]): void {
  if (bad.length === 0) return;
  const first = bad[0]!.length > 80 ? `${bad[0]!.slice(0, 77)}...` : bad[0]!;
  throw new CollectError(collector, `${bad.length} malformed line(s) in ${path}, first: ${JSON.stringify(first)}`);
}
