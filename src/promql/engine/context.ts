import type { Clock } from '../../common/index.js';
import type { Queryable } from '../../storage/index.js';
import type { PositionRange } from '../parser/index.js';
import { formatGoFloat, formatGoFloatPrec2 } from './labelutil.js';
import { QueryCanceledError, QueryTimeoutError, TooManySamplesError } from './errors.js';

/** One annotation: a warning or an info about a sub-expression. Deduplicated by message. */
export interface Annotation {
  readonly kind: 'warning' | 'info';
  readonly msg: string;
  readonly pos: PositionRange;
  /** Merged details of the histogram_quantile monotonicity info. */
  mono?: { minTs: number; maxTs: number; minBucket: number; maxBucket: number; maxDiff: number; count: number };
}

/**
 * Per-query state shared by every evaluator of one query (the top-level one and those of
 * subqueries): limits, the sample counter, annotations and the query's own time range.
 */
export class QueryContext {
  private samples = 0;
  private readonly annos = new Map<string, Annotation>();

  constructor(
    readonly queryable: Queryable,
    readonly lookback: number,
    readonly maxSamples: number,
    /** Absolute deadline in clock ms (Infinity: none). */
    private readonly deadline: number,
    private readonly clock: Clock,
    private readonly signal: AbortSignal | undefined,
    /** Top-level query start/end/step (step 0 for instant queries), for @ start()/end() and step(). */
    readonly queryStart: number,
    readonly queryEnd: number,
    readonly queryStep: number,
    /** Step of subqueries written without one (`[1h:]`). */
    readonly defaultSubqueryStep: number,
  ) {}

  /** Throws QueryCanceledError / QueryTimeoutError; call between steps and series. */
  check(where = 'expression evaluation'): void {
    if (this.signal?.aborted) throw new QueryCanceledError(where, { cause: this.signal.reason });
    if (this.deadline !== Infinity && this.clock.now() > this.deadline) throw new QueryTimeoutError(where);
  }

  /** Accounts for `n` more points held in memory; throws TooManySamplesError past the limit. */
  addSamples(n: number): void {
    this.samples += n;
    if (this.samples > this.maxSamples) throw new TooManySamplesError();
  }

  /** Releases `n` points counted by addSamples. */
  releaseSamples(n: number): void {
    this.samples -= n;
  }

  warn(msg: string, pos: PositionRange): void {
    const key = 'w' + msg;
    if (!this.annos.has(key)) this.annos.set(key, { kind: 'warning', msg, pos });
  }

  info(msg: string, pos: PositionRange): void {
    const key = 'i' + msg;
    if (!this.annos.has(key)) this.annos.set(key, { kind: 'info', msg, pos });
  }

  /** The histogram_quantile monotonicity info; repeated ones merge their ranges (as Prometheus). */
  monotonicityInfo(msg: string, pos: PositionRange, ts: number, minBucket: number, maxBucket: number, maxDiff: number): void {
    const key = 'i' + msg;
    const a = this.annos.get(key);
    if (!a?.mono) {
      this.annos.set(key, { kind: 'info', msg, pos, mono: { minTs: ts, maxTs: ts, minBucket, maxBucket, maxDiff, count: 0 } });
      return;
    }
    const m = a.mono;
    m.minTs = Math.min(m.minTs, ts);
    m.maxTs = Math.max(m.maxTs, ts);
    m.minBucket = Math.min(m.minBucket, minBucket);
    m.maxBucket = Math.max(m.maxBucket, maxBucket);
    m.maxDiff = Math.max(m.maxDiff, maxDiff);
    m.count++;
  }

  /** Annotations as Prometheus prints them: `PromQL warning: msg (line:col)`. */
  render(query: string): { warnings: string[]; infos: string[] } {
    const warnings: string[] = [];
    const infos: string[] = [];
    for (const a of this.annos.values()) {
      const where = query === '' ? '' : ` (${positionString(query, a.pos.start)})`;
      if (a.mono && query !== '') {
        const m = a.mono;
        const iso = (t: number): string => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
        infos.push(
          `PromQL info: ${a.msg}, from buckets ${formatGoFloat(m.minBucket)} to ${formatGoFloat(m.maxBucket)}, with a max diff of ${formatGoFloatPrec2(m.maxDiff)}, over ${m.count + 1} samples from ${iso(m.minTs)} to ${iso(m.maxTs)}${where}`,
        );
        continue;
      }
      if (a.kind === 'warning') warnings.push(`PromQL warning: ${a.msg}${where}`);
      else infos.push(`PromQL info: ${a.msg}${where}`);
    }
    return { warnings, infos };
  }
}

/** 1-based `line:col` of a character offset (col counted in UTF-8 bytes, as Prometheus). */
function positionString(query: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < query.length; i++) {
    if (query[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  const col = Buffer.byteLength(query.slice(lineStart, offset), 'utf8') + 1;
  return `${line}:${col}`;
}
