export { type Pos, TemplateError } from './errors.js';
export { humanize, humanize1024, humanizeDuration } from './prom-funcs.js';
export { formatFloat, sprintf } from './gofmt.js';
export {
  type AlertTemplateData,
  type ExecOptions,
  type QuerySample,
  Template,
  alertTemplateData,
  checkTemplate,
  expandAlertTemplate,
  parseAlertTemplate,
} from './template.js';
