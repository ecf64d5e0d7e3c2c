export {
  LABEL_NAME_RE,
  RELABEL_ACTIONS,
  type RelabelAction,
  type RelabelConfig,
  RelabelConfigError,
  parseRelabelConfigs,
  relabelConfigSchema,
} from './config.js';
export { expandTemplate } from './expand.js';
export { RegexSyntaxError, type TranslatedRegex, compileAnchored, translateRE2 } from '../model/index.js';
export { hashMod, relabel } from './relabel.js';
