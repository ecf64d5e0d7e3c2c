export { type Pos, TemplateError } from './errors.js';
export { type FuncContext, type FuncDef, FuncError, htmlEscape } from './builtins.js';
export { GoTime, SafeHtml } from './values.js';
export { humanize, humanize1024, humanizeDuration } from './prom-funcs.js';
export { formatFloat, sprintf } from './gofmt.js';
export {
  type AlertTemplateData,
  type ExecOptions,
  type ParseOptions,
  type QuerySample,
  Template,
  alertTemplateData,
  checkTemplate,
  expandAlertTemplate,
  parseAlertTemplate,
} from './template.js';
