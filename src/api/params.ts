import type { FastifyRequest } from 'fastify';
import { ApiError } from '../server/index.js';
import { parseDuration, parseMetricSelector } from '../promql/index.js';
import type { Matcher } from '../model/index.js';

/** Prometheus' bounds for "no time given": the minimum and maximum representable times, in ms. */
export const MIN_TIME = -8_640_000_000_000_000; // the smallest JS Date: all of storage
export const MAX_TIME = 8_640_000_000_000_000; // the largest JS Date

/** Query and form parameters merged, as Prometheus reads them (GET query string or POST form). */
export type Params = Map<string, string[]>;

export function params(req: FastifyRequest): Params {
  const out: Params = new Map();
  const add = (src: unknown): void => {
    if (src === null || typeof src !== 'object') return;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      const list = out.get(k) ?? [];
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') list.push(x);
      out.set(k, list);
    }
  };
  add(req.query);
  add(req.body);
  return out;
}

export function one(p: Params, name: string): string | undefined {
  return p.get(name)?.[0];
}

/**
 * A time parameter: RFC 3339 or Unix seconds with decimals, as Prometheus accepts them.
 * Returns ms; `fallback` when absent. Throws ApiError(bad_data) naming the parameter.
 */
export function time(p: Params, name: string, fallback: number): number {
  const s = one(p, name);
  if (s === undefined || s === '') return fallback;
  const n = Number(s);
  if (s.trim() !== '' && Number.isFinite(n)) return Math.round(n * 1000);
  const d = Date.parse(s);
  if (Number.isFinite(d) && /^\d{4}-\d\d-\d\dT/.test(s)) return d;
  throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${s}" to a valid timestamp`);
}

/** A duration parameter: Prometheus duration syntax or float seconds. Returns ms. */
export function duration(p: Params, name: string): number | undefined {
  const s = one(p, name);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  if (Number.isFinite(n)) {
    if (n <= 0) throw new ApiError('bad_data', `invalid parameter "${name}": zero or negative query resolution step widths are not accepted. Try a positive integer`);
    return Math.round(n * 1000);
  }
  const d = parseDuration(s);
  if (typeof d !== 'number') throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "${s}" to a valid duration`);
  return d;
}

/** The `match[]` selectors; each becomes a list of matchers. */
export function matchers(p: Params, required: boolean): Matcher[][] {
  const raw = p.get('match[]') ?? [];
  if (raw.length === 0 && required) throw new ApiError('bad_data', 'no match[] parameter provided');
  return raw.map((s) => {
    try {
      return parseMetricSelector(s);
    } catch (e) {
      throw new ApiError('bad_data', `invalid parameter "match[]": ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}
