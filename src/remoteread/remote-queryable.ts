import { type Labels, type Matcher, labelsFromRecord, labelsKey } from '../model/index.js';
import {
  ArraySeriesSet,
  ErrorSeriesSet,
  type MemorySeries,
  MemoryQueryable,
  type Querier,
  type Queryable,
  type SampleIterator,
  type SelectHints,
  type Selection,
  type Series,
  type SeriesSet,
  sortSeries,
} from '../storage/index.js';
import { RemoteApi, type RemoteApiOptions, RemoteReadError } from './http.js';
import { apiTime, matchersKey, selectorString } from './selector.js';

/** Remote requests in flight at once for one `prepare`. */
const FETCH_CONCURRENCY = 4;

/** What one prepared selection (matchers + labelsOnly) holds: data for [mint, maxt]. */
interface Prepared {
  readonly mint: number;
  readonly maxt: number;
  /** Series with samples (a MemoryQueryable), or, for labels-only selections, label sets. */
  readonly data: MemoryQueryable | readonly Labels[];
}

const EMPTY_ITERATOR: SampleIterator = { next: () => false, seek: () => false, t: 0, v: 0, err: () => undefined };

/**
 * A Queryable over a remote Prometheus-compatible API (VictoriaMetrics single node, cluster
 * vmselect under `/select/<tenant>/prometheus`). Samples are read with VictoriaMetrics'
 * `/api/v1/export` (raw samples as JSON lines): VictoriaMetrics does not serve Prometheus
 * remote read (`/api/v1/read` answers "unsupported path"). Label names and values go through
 * the standard `/api/v1/labels` and `/api/v1/label/<name>/values`, labels-only selections
 * through `/api/v1/series`.
 *
 * Fetching is asynchronous, so `select` on its own queriers answers an error set: readers
 * call `prepare` with their selections first and read from the snapshot it returns (see
 * `Queryable.prepare`). Times are integer ms, ranges inclusive. Stateless between calls.
 */
export class RemoteQueryable implements Queryable {
  private readonly api: RemoteApi;

  constructor(opts: RemoteApiOptions) {
    this.api = new RemoteApi(opts);
  }

  querier(mint: number, maxt: number): Querier {
    return this.querierOver(mint, maxt, (matchers) => new ErrorSeriesSet(new RemoteReadError(`select ${selectorString(matchers)} on a remote store needs Queryable.prepare first`)));
  }

  /** Fetches every selection (same matchers merged into one request over the union range) and returns a snapshot answering them. */
  async prepare(selections: readonly Selection[], signal?: AbortSignal): Promise<Queryable> {
    const wanted = new Map<string, { matchers: readonly Matcher[]; mint: number; maxt: number; labelsOnly: boolean }>();
    for (const s of selections) {
      const labelsOnly = s.labelsOnly === true;
      const key = prepKey(s.matchers, labelsOnly);
      const w = wanted.get(key);
      if (w) {
        w.mint = Math.min(w.mint, s.mint);
        w.maxt = Math.max(w.maxt, s.maxt);
      } else wanted.set(key, { matchers: s.matchers, mint: s.mint, maxt: s.maxt, labelsOnly });
    }
    const prepared = new Map<string, Prepared>();
    const todo = [...wanted];
    const worker = async (): Promise<void> => {
      for (let next = todo.shift(); next; next = todo.shift()) {
        const [key, w] = next;
        const data = w.labelsOnly ? await this.fetchSeries(w.matchers, w.mint, w.maxt, signal) : new MemoryQueryable(await this.fetchSamples(w.matchers, w.mint, w.maxt, signal));
        prepared.set(key, { mint: w.mint, maxt: w.maxt, data });
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, todo.length) }, worker));
    return {
      querier: (mint, maxt) => this.querierOver(mint, maxt, (matchers, hints) => snapshotSelect(prepared, matchers, mint, maxt, hints)),
    };
  }

  private querierOver(mint: number, maxt: number, select: (matchers: readonly Matcher[], hints: SelectHints | undefined) => SeriesSet): Querier {
    const form = (matchers: readonly Matcher[] | undefined): URLSearchParams => {
      const f = new URLSearchParams({ start: apiTime(mint), end: apiTime(maxt) });
      if (matchers && matchers.length > 0) f.append('match[]', selectorString(matchers));
      return f;
    };
    return {
      mint,
      maxt,
      select: (matchers, hints) => select(matchers, hints),
      labelNames: async (matchers) => stringList(await this.api.postApi('/api/v1/labels', form(matchers))),
      labelValues: async (name, matchers) => stringList(await this.api.postApi(`/api/v1/label/${encodeURIComponent(name)}/values`, form(matchers))),
      close: () => undefined,
    };
  }

  /** Raw samples of the matching series in [mint, maxt], one MemorySeries per label set. */
  private async fetchSamples(matchers: readonly Matcher[], mint: number, maxt: number, signal: AbortSignal | undefined): Promise<MemorySeries[]> {
    const form = new URLSearchParams({ 'match[]': selectorString(matchers), start: apiTime(mint), end: apiTime(maxt) });
    const text = await this.api.post('/api/v1/export', form, signal);
    return parseExport(text, mint, maxt);
  }

  private async fetchSeries(matchers: readonly Matcher[], mint: number, maxt: number, signal: AbortSignal | undefined): Promise<Labels[]> {
    const form = new URLSearchParams({ 'match[]': selectorString(matchers), start: apiTime(mint), end: apiTime(maxt) });
    const data = await this.api.postApi('/api/v1/series', form, signal);
    if (!Array.isArray(data)) throw new RemoteReadError('/api/v1/series: data is not a list');
    return (data as Record<string, string>[]).map((r) => labelsFromRecord(r));
  }
}

function prepKey(matchers: readonly Matcher[], labelsOnly: boolean): string {
  return matchersKey(matchers) + (labelsOnly ? '\u0002labels' : '');
}

function snapshotSelect(prepared: ReadonlyMap<string, Prepared>, matchers: readonly Matcher[], mint: number, maxt: number, hints: SelectHints | undefined): SeriesSet {
  const lo = hints?.start ?? mint;
  const hi = hints?.end ?? maxt;
  const covers = (p: Prepared | undefined): p is Prepared => p !== undefined && p.mint <= lo && hi <= p.maxt;
  const samples = prepared.get(prepKey(matchers, false));
  const labelsOnly = hints?.labelsOnly === true ? prepared.get(prepKey(matchers, true)) : undefined;
  if (covers(labelsOnly) && !(labelsOnly.data instanceof MemoryQueryable)) {
    const sets: readonly Labels[] = labelsOnly.data;
    return new ArraySeriesSet(sortSeries(sets.map((labels): Series => ({ labels, iterator: () => EMPTY_ITERATOR }))));
  }
  if (covers(samples) && samples.data instanceof MemoryQueryable) return samples.data.querier(lo, hi).select(matchers);
  return new ErrorSeriesSet(new RemoteReadError(`select ${selectorString(matchers)} over [${lo}, ${hi}] was not prepared`));
}

function stringList(data: unknown): string[] {
  if (!Array.isArray(data) || !data.every((x) => typeof x === 'string')) throw new RemoteReadError('remote answer: data is not a list of strings');
  return [...new Set(data)].sort();
}

/** A JSON value of VictoriaMetrics' export: a number, or "NaN" / "+Inf" / "-Inf" / "Inf". */
function exportValue(x: unknown): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    if (x === 'NaN') return NaN;
    if (x === '+Inf' || x === 'Inf') return Infinity;
    if (x === '-Inf') return -Infinity;
    const n = Number(x);
    if (!Number.isNaN(n)) return n;
  }
  throw new RemoteReadError(`export: unreadable value ${JSON.stringify(x)}`);
}

/**
 * Parses `/api/v1/export` JSON lines. A series may come in several lines (one per stored
 * block): they are merged, sorted by time, one sample per timestamp (the last one read).
 * Samples outside [mint, maxt] are dropped.
 */
export function parseExport(text: string, mint: number, maxt: number): MemorySeries[] {
  const by = new Map<string, { labels: Labels; t: number[]; v: number[]; sorted: boolean }>();
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line.trim() === '') continue;
    let j: { metric?: Record<string, string>; values?: unknown[]; timestamps?: unknown[] };
    try {
      j = JSON.parse(line) as typeof j;
    } catch (cause) {
      throw new RemoteReadError(`export line ${lineNo}: not JSON`, { cause });
    }
    if (!j.metric || !Array.isArray(j.values) || !Array.isArray(j.timestamps) || j.values.length !== j.timestamps.length) {
      throw new RemoteReadError(`export line ${lineNo}: expected {metric, values, timestamps} of equal lengths`);
    }
    const labels = labelsFromRecord(j.metric);
    const key = labelsKey(labels);
    let s = by.get(key);
    if (!s) by.set(key, (s = { labels, t: [], v: [], sorted: true }));
    for (let i = 0; i < j.timestamps.length; i++) {
      const t = j.timestamps[i];
      if (typeof t !== 'number' || !Number.isInteger(t)) throw new RemoteReadError(`export line ${lineNo}: timestamp ${JSON.stringify(t)} is not an integer (ms)`);
      if (t < mint || t > maxt) continue;
      if (s.t.length > 0 && t <= s.t[s.t.length - 1]!) s.sorted = false;
      s.t.push(t);
      s.v.push(exportValue(j.values[i]));
    }
  }
  const out: MemorySeries[] = [];
  for (const s of by.values()) {
    if (s.t.length === 0) continue;
    if (s.sorted) {
      out.push({ labels: s.labels, t: s.t, v: Float64Array.from(s.v) });
      continue;
    }
    const idx = s.t.map((_, i) => i).sort((a, b) => s.t[a]! - s.t[b]! || a - b);
    const t: number[] = [];
    const v: number[] = [];
    for (const i of idx) {
      if (t.length > 0 && t[t.length - 1] === s.t[i]) v[v.length - 1] = s.v[i]!;
      else {
        t.push(s.t[i]!);
        v.push(s.v[i]!);
      }
    }
    out.push({ labels: s.labels, t, v: Float64Array.from(v) });
  }
  return out;
}
