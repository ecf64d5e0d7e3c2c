export { MemStorage, MemStorageError } from '../../../storage/index.js';
export { type Command, type EvalCmd, type LoadCmd, ScriptError, parseDescriptor, parseScript, parseValues } from './script.js';
export { type EvalOutcome, type FileOutcome, type SkipIndex, listTestFiles, readSkipIndex, runFile } from './run.js';
export { conformanceDir } from './locate.js';
export { almostEqual } from './compare.js';
