export { type RuleFileIssue, RuleFileError, formatRuleFileIssue } from './errors.js';
export { exprMistakes } from './expr-hints.js';
export { MAX_RULE_FILE_BYTES, loadRuleFiles } from './load.js';
export { type NameValidation, type ParseRuleFileOptions, parseRuleFile } from './parse.js';
