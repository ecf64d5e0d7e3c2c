export { MatcherParseError, formatMatcher, parseMatcher, parseMatchers } from './parse.js';
