export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './types.js';
