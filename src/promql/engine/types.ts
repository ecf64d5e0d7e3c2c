import type { Labels } from '../../model/index.js';

/**
 * Values exchanged inside the evaluator and returned to callers. Timestamps are integer
 * ms; float values as JS numbers (never the stale marker: selectors drop it).
 */

/** One element of an instant vector during evaluation. */
export interface Sample {
  metric: Labels;
  /** Timestamp of the value (evaluation time, or the sample's own time for timestamp()). */
  t: number;
  v: number;
  /** Delayed `__name__` removal: the name is dropped when the query finishes. */
  dropName: boolean;
}
export type Vector = Sample[];

/** One series of a matrix during evaluation: points in increasing time order. */
export interface EvalSeries {
  metric: Labels;
  dropName: boolean;
  t: number[];
  v: number[];
}
export type Matrix = EvalSeries[];

/** A string value (only from a string literal). */
export interface StringValue {
  readonly kind: 'string';
  readonly v: string;
}

// ---- Results returned by Engine (serializable to Prometheus' JSON) ----

/** One element of an instant-vector result. */
export interface VectorElement {
  readonly metric: Labels;
  readonly t: number;
  readonly v: number;
}

/** One series of a matrix result: `t[i]`, `v[i]` are the i-th point, t in ms. */
export interface MatrixSeries {
  readonly metric: Labels;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

export type Result =
  | { readonly type: 'vector'; readonly value: readonly VectorElement[]; readonly warnings: string[]; readonly infos: string[] }
  | { readonly type: 'matrix'; readonly value: readonly MatrixSeries[]; readonly warnings: string[]; readonly infos: string[] }
  | { readonly type: 'scalar'; readonly value: { readonly t: number; readonly v: number }; readonly warnings: string[]; readonly infos: string[] }
  | { readonly type: 'string'; readonly value: { readonly t: number; readonly v: string }; readonly warnings: string[]; readonly infos: string[] };
