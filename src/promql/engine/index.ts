export { Engine, type EngineOptions } from './engine.js';
export { QueryCanceledError, QueryError, QueryEvalError, QueryTimeoutError, TooManySamplesError } from './errors.js';
export type { MatrixSeries, Result, VectorElement } from './types.js';
export { NATIVE_HISTOGRAMS_UNSUPPORTED } from './calls.js';
