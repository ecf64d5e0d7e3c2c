import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { RuleFile } from '../types.js';
import { RuleFileError, type RuleFileIssue } from './errors.js';
import { type ParseRuleFileOptions, parseRuleFile } from './parse.js';

/** Largest rule file accepted (bytes). */
export const MAX_RULE_FILE_BYTES = 8 * 2 ** 20;

const MAGIC = /[*?[]/;

/**
 * Loads the rule files named by `patterns` (Prometheus' `rule_files`): each is a path or a
 * glob (`*`, `?`, `[...]` within one path segment, like Go's filepath.Glob), relative to
 * `baseDir` (the config file's directory) unless absolute. A glob matching nothing is fine; a
 * plain path that does not exist is an error. Files come back sorted by path, each once.
 * Every file is read and checked before failing, so one RuleFileError lists all problems.
 */
export async function loadRuleFiles(patterns: readonly string[], baseDir: string, opts: ParseRuleFileOptions = {}): Promise<RuleFile[]> {
  const paths = new Set<string>();
  const issues: RuleFileIssue[] = [];
  for (const pattern of patterns) {
    const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
    if (!MAGIC.test(pattern)) {
      paths.add(abs);
      continue;
    }
    try {
      for (const p of await expandGlob(abs)) paths.add(p);
    } catch (err) {
      issues.push({ file: pattern, where: '', message: `bad rule_files pattern: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const files: RuleFile[] = [];
  for (const path of [...paths].sort()) {
    let text: string;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_RULE_FILE_BYTES) throw new Error(`file is larger than ${MAX_RULE_FILE_BYTES} bytes`);
      text = await readFile(path, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err);
      issues.push({ file: path, where: '', message: `cannot read rule file: ${reason}` });
      continue;
    }
    try {
      files.push(parseRuleFile(text, path, opts));
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new RuleFileError(issues);
  return files;
}

/** Expands an absolute glob to the existing paths it matches, sorted. */
async function expandGlob(pattern: string): Promise<string[]> {
  const parts = pattern.split(sep);
  let current = [parts[0] === '' ? sep : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const next: string[] = [];
    if (!MAGIC.test(part)) {
      for (const dir of current) next.push(join(dir, part));
    } else {
      const re = globSegmentRegExp(part);
      for (const dir of current) {
        let names: string[];
        try {
          names = await readdir(dir);
        } catch {
          continue;
        }
        for (const n of names.sort()) if (re.test(n) && !(n.startsWith('.') && !part.startsWith('.'))) next.push(join(dir, n));
      }
    }
    current = next;
  }
  const existing: string[] = [];
  for (const p of current) {
    try {
      await stat(p);
      existing.push(p);
    } catch {
      // a glob matching nothing is fine
    }
  }
  return existing;
}

/** Go's filepath.Match syntax for one segment. Throws on a malformed class. */
function globSegmentRegExp(seg: string): RegExp {
  let re = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) throw new Error(`unclosed [ in ${JSON.stringify(seg)}`);
      // Go's class syntax ([^...] negates, \\ escapes) reads the same in a JS class.
      re += `[${seg.slice(i + 1, close)}]`;
      i = close;
    } else if (c === '\\' && i + 1 < seg.length) {
      re += seg[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', 'u');
}
