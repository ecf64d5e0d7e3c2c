export { Engine, type EngineOptions } from './engine.js';
export { QueryCanceledError, QueryError, QueryEvalError, QueryTimeoutError, TooManySamplesError } from './errors.js';
export type { MatrixSeries, Result, VectorElement } from './types.js';
export { NATIVE_HISTOGRAMS_UNSUPPORTED } from './calls.js';
// The promqltest series notation (`up{job="a"} 1+2x10 _ stale`), reused by `vigie rules test`.
export { ScriptError, parseDescriptor, parseValues } from './promqltest/index.js';
