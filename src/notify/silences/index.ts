export { type Silence, SilenceError, type SilenceInput, type SilenceMatcher, type SilenceState, Silences, type SilencesOptions, silenceState } from './silences.js';
