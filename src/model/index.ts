export {
  type Label,
  type Labels,
  LabelsError,
  METRIC_NAME,
  compareLabels,
  formatLabels,
  labelValue,
  labelsEqual,
  labelsFromPairs,
  labelsFromRecord,
  labelsKey,
} from './labels.js';
export { type MatchType, Matcher, MatcherError, matchesAll } from './matcher.js';
export { type Millis, STALE_NAN_BITS, isStaleNaN, staleNaN } from './sample.js';
export { RegexSyntaxError, type TranslatedRegex, compileAnchored, translateRE2 } from './re2.js';
