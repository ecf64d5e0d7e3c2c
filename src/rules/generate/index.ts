export { generateInputFromConfig, proberOf } from './from-config.js';
export { DEFAULT_RUNBOOK_BASE_URL, type GenerateInput, type ProbeJobInput, generateAlertRules } from './generate.js';
