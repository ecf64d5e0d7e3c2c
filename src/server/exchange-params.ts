import type { Matcher } from '../model/index.js';
import { PromQLParseError, parseMetricSelector } from '../promql/index.js';
import { TimeParseError, parseTime } from '../exchange/index.js';
import { ApiError } from './api-error.js';

/** A query-string value as fastify gives it: absent, once, or repeated. */
export type QueryValue = string | string[] | undefined;

/** The values of a repeatable parameter (`match[]`), in order. */
export function queryValues(v: QueryValue): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Parses every `match[]` selector; throws ApiError('bad_data') naming the bad one. */
export function parseSelectors(values: readonly string[]): Matcher[][] {
  return values.map((text) => {
    try {
      return parseMetricSelector(text);
    } catch (e) {
      if (e instanceof PromQLParseError) throw new ApiError('bad_data', `invalid parameter "match[]": ${JSON.stringify(text)}: ${e.message}`, { cause: e });
      throw e;
    }
  });
}

/** A `start` / `end` parameter (RFC 3339 or unix seconds) in ms, or `fallback` when absent; throws ApiError('bad_data'). */
export function timeParam(name: string, v: QueryValue, fallback: number): number {
  if (Array.isArray(v)) throw new ApiError('bad_data', `invalid parameter "${name}": given more than once`);
  if (v === undefined || v === '') return fallback;
  try {
    return parseTime(v);
  } catch (e) {
    if (e instanceof TimeParseError) throw new ApiError('bad_data', `invalid parameter "${name}": ${e.message}`, { cause: e });
    throw e;
  }
}
