import { readFile, stat } from 'node:fs/promises';
import { isAlias, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { VigieError } from '../common/index.js';
import { configSchema, describeValue } from './schema.js';
import { positionOf, toPos, type SourcePos } from './source-map.js';
import { UNIMPLEMENTED_SECTIONS, type VigieConfig } from './types.js';

/** Largest config file accepted (bytes); a bigger one is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 8 * 2 ** 20;
/** Bound on alias expansion (passed to yaml's toJS); stops "billion laughs" documents. */
export const MAX_ALIAS_COUNT = 1000;

/** One problem in the config file, located when possible. */
export interface ConfigIssue {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  /** Key path like `storage.retention.time` or `scrape_configs[0].job_name`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** The config file cannot be used. `message` has one line per issue, `file:line:col: path: problem`. */
export class ConfigError extends VigieError {
  override name = 'ConfigError';
  constructor(
    readonly issues: readonly ConfigIssue[],
    options?: ErrorOptions,
  ) {
    super(issues.map(formatIssue).join('\n'), options);
  }
}

/** Renders an issue as `file:line:col: path: message` (parts omitted when unknown). */
export function formatIssue(i: ConfigIssue): string {
  let where = i.file;
  if (i.line !== undefined) where += `:${i.line}`;
  if (i.line !== undefined && i.col !== undefined) where += `:${i.col}`;
  return `${where}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`;
}

export interface LoadedConfig {
  readonly config: VigieConfig;
  /** Things worth logging at start that do not stop it, already formatted `file:line:col: ...`. */
  readonly warnings: readonly string[];
}

/**
 * Reads and validates a config file. Without a path, returns the defaults.
 * Throws ConfigError (unreadable file, bad YAML, failed validation).
 */
export async function loadConfig(path: string | undefined): Promise<LoadedConfig> {
  if (path === undefined) return parseConfig('', '<defaults>');
  let text: string;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_CONFIG_BYTES) throw new Error(`file is larger than ${MAX_CONFIG_BYTES} bytes`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError([{ file: path, path: '', message: `cannot read config file: ${reason}` }], { cause: err });
  }
  return parseConfig(text, path);
}

/** Validates config text; `fileName` is only used in messages. Throws ConfigError. */
export function parseConfig(text: string, fileName: string): LoadedConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: false, strict: true });
  const yamlProblems = [...doc.errors, ...doc.warnings];
  if (yamlProblems.length > 0) {
    throw new ConfigError(
      yamlProblems.map((e) => {
        const pos = toPos(lc, e.pos[0]);
        return { file: fileName, line: pos.line, col: pos.col, path: '', message: yamlMessage(e, text) };
      }),
    );
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const pos = firstAliasPos(doc, lc);
    const message = err instanceof ReferenceError ? 'too many alias expansions (YAML anchors/aliases)' : `cannot read YAML: ${String(err)}`;
    throw new ConfigError([{ file: fileName, ...pos, path: '', message }], { cause: err });
  }

  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    const pos = positionOf(doc, lc, []);
    throw new ConfigError([{ file: fileName, ...pos, path: '', message: `expected a map of sections, got ${describeValue(data)}` }]);
  }
  // A section written with nothing under it (`host:`) means "all defaults".
  const sections = Object.fromEntries(Object.entries(data as Record<string, unknown>).filter(([, v]) => v !== null));

  const result = configSchema.safeParse(sections);
  if (!result.success) {
    throw new ConfigError(result.error.issues.flatMap((iss) => toIssues(iss, sections, doc, lc, fileName)).sort(byPosition));
  }
  const warnings: string[] = [];
  for (const name of UNIMPLEMENTED_SECTIONS) {
    if (name in sections) {
      const pos = positionOf(doc, lc, [name], 'key');
      warnings.push(formatIssue({ file: fileName, ...pos, path: '', message: `section ${name} is accepted but not implemented yet` }));
    }
  }
  return { config: result.data, warnings };
}

function yamlMessage(e: YAMLError, text: string): string {
  if (e.code === 'DUPLICATE_KEY') return `duplicate key ${JSON.stringify((/^[^:\n]*/.exec(text.slice(e.pos[0]))?.[0] ?? '').trim())}`;
  if (e.code === 'MULTIPLE_DOCS') return 'only one YAML document is allowed (found a second one after ---)';
  // yaml's messages may end with "at line X, column Y" plus a code frame; we print our own position.
  return (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '').trim();
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

function firstAliasPos(doc: Document, lc: LineCounter): SourcePos | Record<string, never> {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node)) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset === undefined ? {} : toPos(lc, offset);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  number: 'a number',
};

function toIssues(iss: z.core.$ZodIssue, data: unknown, doc: Document, lc: LineCounter, file: string): ConfigIssue[] {
  if (iss.code === 'unrecognized_keys') {
    return iss.keys.map((k) => {
      const path = [...iss.path, k];
      return { file, ...positionOf(doc, lc, path, 'key'), path: formatPath(path), message: `unknown key ${JSON.stringify(k)}` };
    });
  }
  const actual = valueAt(data, iss.path);
  let message: string;
  switch (iss.code) {
    case 'invalid_type':
      message = `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${describeValue(actual)}`;
      break;
    case 'invalid_union':
      message = `expected a string, number or boolean, got ${describeValue(actual)}`;
      break;
    case 'invalid_value':
      message = `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(actual)}`;
      break;
    default:
      message = iss.message;
  }
  // A refused key (`params: {at: 'key'}`, see schema.ts) is shown at the key, like an unknown one.
  const at = iss.code === 'custom' && (iss.params as { at?: unknown } | undefined)?.at === 'key' ? 'key' : 'value';
  return [{ file, ...positionOf(doc, lc, iss.path, at), path: formatPath(iss.path), message }];
}
