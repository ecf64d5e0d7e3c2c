import { z } from 'zod';
import { VigieError } from '../common/index.js';
import { compileAnchored, RegexSyntaxError } from '../model/index.js';

/** The relabel actions Prometheus knows (YAML accepts them in any case). */
export const RELABEL_ACTIONS = ['replace', 'keep', 'drop', 'keepequal', 'dropequal', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase'] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/**
 * One validated relabel rule (Prometheus' `relabel_config`), defaults filled in.
 * Field names follow the YAML keys; `re` is `regex` compiled fully anchored.
 */
export interface RelabelConfig {
  readonly source_labels: readonly string[];
  /** Default ';'. */
  readonly separator: string;
  /** The RE2 pattern as written; default `(.*)`. */
  readonly regex: string;
  /** `^(?:regex)$` translated to JS, flags `su` (+`i` for a leading `(?i)`). */
  readonly re: RegExp;
  /** hashmod only; a positive integer below 2^53. */
  readonly modulus: number;
  readonly target_label: string;
  /** Default `$1`. */
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** A relabel rule is invalid; `path` names the key, e.g. ['target_label']. */
export class RelabelConfigError extends VigieError {
  override name = 'RelabelConfigError';
  constructor(
    message: string,
    readonly path: readonly (string | number)[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Prometheus' legacy label name rule, the one Vigie uses everywhere. */
export const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// A target_label / labelmap replacement with $ templates (Prometheus' relabelTarget).
const RELABEL_TARGET_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

const DEFAULT_REGEX = '(.*)';
const DEFAULT_SEPARATOR = ';';
const DEFAULT_REPLACEMENT = '$1';

const rawSchema = z.strictObject({
  source_labels: z.array(z.string()).optional(),
  separator: z.string().optional(),
  regex: z.union([z.string(), z.number()]).optional(),
  modulus: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  target_label: z.string().optional(),
  replacement: z.union([z.string(), z.number()]).optional(),
  action: z.string().optional(),
});
type RawRelabelConfig = z.output<typeof rawSchema>;

/** Validates one raw rule exactly as Prometheus' `Config.Validate`. Throws RelabelConfigError. */
function validate(raw: RawRelabelConfig): RelabelConfig {
  const actionText = (raw.action ?? 'replace').toLowerCase();
  if (actionText === '') throw new RelabelConfigError('relabel action cannot be empty', ['action']);
  const action = RELABEL_ACTIONS.find((a) => a === actionText);
  if (action === undefined) throw new RelabelConfigError(`unknown relabel action ${JSON.stringify(raw.action)}`, ['action']);
  for (const [i, n] of (raw.source_labels ?? []).entries()) {
    if (!LABEL_NAME_RE.test(n)) throw new RelabelConfigError(`${JSON.stringify(n)} is not a valid label name`, ['source_labels', i]);
  }
  const regex = raw.regex === undefined ? DEFAULT_REGEX : String(raw.regex);
  let re: RegExp;
  try {
    re = compileAnchored(regex);
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw new RelabelConfigError(err.message, ['regex'], { cause: err });
    throw err;
  }
  const c: RelabelConfig = {
    source_labels: raw.source_labels ?? [],
    separator: raw.separator ?? DEFAULT_SEPARATOR,
    regex,
    re,
    modulus: raw.modulus ?? 0,
    target_label: raw.target_label ?? '',
    replacement: raw.replacement === undefined ? DEFAULT_REPLACEMENT : String(raw.replacement),
    action,
  };
  const a = c.action;
  const bad = (msg: string, key: string): never => {
    throw new RelabelConfigError(msg, [key]);
  };
  if (c.modulus === 0 && a === 'hashmod') bad('relabel configuration for hashmod requires non-zero modulus', 'modulus');
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (needsTarget && c.target_label === '') bad(`relabel configuration for ${a} action requires 'target_label' value`, 'target_label');
  const invalidTarget = `${JSON.stringify(c.target_label)} is invalid 'target_label' for ${a} action`;
  if (a === 'replace' && !c.target_label.includes('$') && !LABEL_NAME_RE.test(c.target_label)) bad(invalidTarget, 'target_label');
  if (a === 'replace' && c.target_label.includes('$') && !RELABEL_TARGET_RE.test(c.target_label)) bad(invalidTarget, 'target_label');
  const caseOrEqual = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if ((caseOrEqual || a === 'hashmod') && !LABEL_NAME_RE.test(c.target_label)) bad(invalidTarget, 'target_label');
  if (caseOrEqual && c.replacement !== DEFAULT_REPLACEMENT) bad(`'replacement' can not be set for ${a} action`, 'replacement');
  if (a === 'labelmap' && !RELABEL_TARGET_RE.test(c.replacement)) bad(`${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`, 'replacement');
  if ((a === 'dropequal' || a === 'keepequal') && (raw.regex !== undefined || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)) {
    bad(`${a} action requires only 'source_labels' and 'target_label', and no other fields`, 'action');
  }
  if ((a === 'labeldrop' || a === 'labelkeep') && (raw.source_labels !== undefined || c.target_label !== '' || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)) {
    bad(`${a} action requires only 'regex', and no other fields`, 'action');
  }
  return c;
}

/**
 * Zod schema of one `relabel_config` map: checks the keys and types, then validates
 * like Prometheus and outputs a compiled `RelabelConfig`. Problems are zod issues with
 * the offending key as path, so the config loader can point at file:line.
 */
export const relabelConfigSchema = rawSchema.transform((raw, ctx): RelabelConfig => {
  try {
    return validate(raw);
  } catch (err) {
    if (!(err instanceof RelabelConfigError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message, path: [...err.path] });
    return z.NEVER;
  }
});

/**
 * Validates a list of raw rules (parsed YAML/JSON maps). Throws RelabelConfigError
 * naming the first problem as `[index].key: message`.
 */
export function parseRelabelConfigs(raw: readonly unknown[]): RelabelConfig[] {
  const r = z.array(relabelConfigSchema).safeParse(raw);
  if (r.success) return r.data;
  const iss = r.error.issues[0]!;
  const where = iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  throw new RelabelConfigError(`${where.replace(/^\./, '')}: ${iss.message}`, iss.path.filter((p) => typeof p === 'string' || typeof p === 'number'));
}
