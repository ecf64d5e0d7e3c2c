import { VigieError } from '../../common/index.js';

/** One problem in a rule file, located when possible (1-based line and column). */
export interface RuleFileIssue {
  readonly file: string;
  readonly line?: number | undefined;
  readonly col?: number | undefined;
  /** Where in the file's structure, e.g. `group "api", rule 2 ("ApiDown")`; '' for the whole file. */
  readonly where: string;
  readonly message: string;
}

/** Renders an issue as `file:line:col: where: message` (parts omitted when unknown). */
export function formatRuleFileIssue(i: RuleFileIssue): string {
  let loc = i.file;
  if (i.line !== undefined) loc += `:${i.line}`;
  if (i.line !== undefined && i.col !== undefined) loc += `:${i.col}`;
  return `${loc}: ${i.where === '' ? '' : `${i.where}: `}${i.message}`;
}

/** A rule file cannot be used. `message` has one line per issue. */
export class RuleFileError extends VigieError {
  override name = 'RuleFileError';
  constructor(
    readonly issues: readonly RuleFileIssue[],
    options?: ErrorOptions,
  ) {
    super(issues.map(formatRuleFileIssue).join('\n'), options);
  }
}
