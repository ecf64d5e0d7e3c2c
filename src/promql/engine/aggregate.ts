import { type Labels, METRIC_NAME, labelsKey } from '../../model/index.js';
import type { AggregateExpr } from '../parser/index.js';
import { QueryEvalError } from './errors.js';
import type { Evaluator } from './evaluator.js';
import { formatGoFloat, keepLabels, removeLabels, setLabel } from './labelutil.js';
import { quantile } from './quantile.js';
import type { EvalSeries, Matrix, Sample } from './types.js';
import { kahanInc } from './kahan.js';

interface Group {
  seen: boolean;
  value: number;
  mean: number;
  kahanC: number;
  count: number;
  incremental: boolean;
  dropName: boolean;
  values: number[];
  heap: Sample[];
}

function newGroup(): Group {
  return { seen: false, value: 0, mean: 0, kahanC: 0, count: 0, incremental: false, dropName: false, values: [], heap: [] };
}

/** Grouping key and output labels of a series for `by`/`without`. */
function groupingLabels(l: Labels, grouping: ReadonlySet<string>, without: boolean): Labels {
  if (without) {
    const drop = new Set(grouping);
    drop.add(METRIC_NAME);
    return removeLabels(l, drop);
  }
  return grouping.size === 0 ? [] : keepLabels(l, grouping);
}

/** Evaluates an aggregation over all steps (Prometheus' rangeEvalAgg + aggregation). */
export function evalAggregate(ev: Evaluator, e: AggregateExpr): Matrix {
  const grouping = new Set(e.grouping);
  if (e.op === 'count_values') {
    if (e.param?.kind !== 'StringLiteral') throw new QueryEvalError('count_values needs a string parameter');
    const label = e.param.value;
    if (!isValidUTF8(label)) throw new QueryEvalError(`invalid label name ${JSON.stringify(label)}`);
    const g = new Set(grouping);
    if (!e.without) g.add(label);
    return ev.rangeEval([e.expr], (v) => {
      const counts = new Map<string, Sample>();
      for (const s of v[0]!) {
        const m = groupingLabels(setLabel(s.metric, label, goFormatF(s.v)), g, e.without);
        const k = labelsKey(m);
        const c = counts.get(k);
        if (c) c.v++;
        else counts.set(k, { metric: m, t: 0, v: 1, dropName: false });
      }
      return [...counts.values()];
    });
  }
  const params = e.param ? ev.scalarSteps(e.param) : undefined;
  const input = ev.evalMatrix(e.expr);
  const n = ev.numSteps;
  // Group assignment once for all steps.
  const keyToIdx = new Map<string, number>();
  const seriesToGroup = new Int32Array(input.length);
  const groupLabels: Labels[] = [];
  for (let i = 0; i < input.length; i++) {
    const gl = groupingLabels(input[i]!.metric, grouping, e.without);
    const k = labelsKey(gl);
    let idx = keyToIdx.get(k);
    if (idx === undefined) {
      idx = groupLabels.length;
      keyToIdx.set(k, idx);
      groupLabels.push(gl);
    }
    seriesToGroup[i] = idx;
  }
  const isK = e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk' || e.op === 'limit_ratio';
  if (params && (e.op === 'topk' || e.op === 'bottomk' || e.op === 'limitk')) {
    let max = -Infinity;
    let nan = false;
    for (const p of params) {
      if (Number.isNaN(p)) nan = true;
      else max = Math.max(max, p);
    }
    if (max < 1 && !nan) return [];
    if (nan) throw new QueryEvalError('Parameter value is NaN');
  }
  if (params && e.op === 'limit_ratio') {
    let nan = false, allZero = true, max = -Infinity, min = Infinity;
    for (const p of params) {
      if (Number.isNaN(p)) nan = true;
      if (p !== 0) allZero = false;
      max = Math.max(max, p);
      min = Math.min(min, p);
    }
    if (allZero) return [];
    if (nan) throw new QueryEvalError('Ratio value is NaN');
    if (max > 1) ev.ctx.warn(`ratio value should be between -1 and 1, got ${formatGoFloat(max)}, capping to 1`, e.param!.pos);
    if (min < -1) ev.ctx.warn(`ratio value should be between -1 and 1, got ${formatGoFloat(min)}, capping to -1`, e.param!.pos);
  }
  if (params && e.op === 'quantile') {
    let warned = false;
    for (const p of params) {
      if (!warned && (Number.isNaN(p) || p < 0 || p > 1)) {
        ev.ctx.warn(`quantile value should be between 0 and 1, got ${formatGoFloat(p)}`, e.param!.pos);
        warned = true;
      }
    }
  }
  const simple = SIMPLE_OPS.get(e.op);
  if (simple !== undefined && n > 1) return aggregateBySeries(ev, simple, input, seriesToGroup, groupLabels);
  const cursors = new Int32Array(input.length);
  const out = new Map<string, EvalSeries>();
  const resultSeries: EvalSeries[] = groupLabels.map((m) => ({ metric: m, dropName: false, t: [], v: [] }));
  const groups = groupLabels.map(newGroup);
  const instantOrder: EvalSeries[] = [];
  for (let step = 0; step < n; step++) {
    ev.ctx.check();
    const ts = ev.start + step * ev.interval;
    const p = params ? params[step]! : NaN;
    for (const g of groups) g.seen = false;
    for (let si = 0; si < input.length; si++) {
      const s = input[si]!;
      const c = cursors[si]!;
      if (c >= s.t.length || s.t[c] !== ts) continue;
      cursors[si] = c + 1;
      const f = s.v[c]!;
      const g = groups[seriesToGroup[si]!]!;
      if (isK) {
        addK(e.op, g, s, ts, f, p, input.length);
        continue;
      }
      if (!g.seen) {
        g.seen = true;
        g.value = f;
        g.mean = f;
        g.kahanC = 0;
        g.count = 1;
        g.incremental = false;
        g.dropName = s.dropName;
        if (e.op === 'stddev' || e.op === 'stdvar') g.value = Number.isFinite(f) ? 0 : NaN;
        else if (e.op === 'quantile') g.values = [f];
        else if (e.op === 'group') g.value = 1;
        continue;
      }
      if (s.dropName) g.dropName = true;
      switch (e.op) {
        case 'sum':
          [g.value, g.kahanC] = kahanInc(f, g.value, g.kahanC);
          break;
        case 'avg': {
          g.count++;
          if (!g.incremental) {
            const [nv, nc] = kahanInc(f, g.value, g.kahanC);
            if (Number.isFinite(nv) || Number.isNaN(nv)) {
              g.value = nv;
              g.kahanC = nc;
              break;
            }
            g.incremental = true;
            g.mean = g.value / (g.count - 1);
            g.kahanC /= g.count - 1;
          }
          const q = (g.count - 1) / g.count;
          [g.mean, g.kahanC] = kahanInc(f / g.count, q * g.mean, q * g.kahanC);
          break;
        }
        case 'max':
          if (g.value < f || Number.isNaN(g.value)) g.value = f;
          break;
        case 'min':
          if (g.value > f || Number.isNaN(g.value)) g.value = f;
          break;
        case 'count':
          g.count++;
          break;
        case 'stddev':
        case 'stdvar': {
          g.count++;
          const delta = f - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (f - g.mean);
          break;
        }
        case 'quantile':
          g.values.push(f);
          break;
        case 'group':
          break;
      }
    }
    if (isK) {
      for (const g of groups) {
        if (!g.seen) continue;
        let items = g.heap;
        if (e.op === 'topk') items = sortHeap(items, true);
        else if (e.op === 'bottomk') items = sortHeap(items, false);
        for (const smp of items) {
          if (n === 1) {
            instantOrder.push({ metric: smp.metric, dropName: smp.dropName, t: [ts], v: [smp.v] });
            continue;
          }
          const k = labelsKey(smp.metric);
          let o = out.get(k);
          if (!o) out.set(k, (o = { metric: smp.metric, dropName: smp.dropName, t: [], v: [] }));
          o.t.push(ts);
          o.v.push(smp.v);
        }
      }
      continue;
    }
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      if (!g.seen) continue;
      let v: number;
      switch (e.op) {
        case 'avg':
          v = g.incremental ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count;
          break;
        case 'count':
          v = g.count;
          break;
        case 'stdvar':
          v = g.value / g.count;
          break;
        case 'stddev':
          v = Math.sqrt(g.value / g.count);
          break;
        case 'quantile':
          v = quantile(p, g.values);
          break;
        case 'sum':
          v = Number.isFinite(g.value) ? g.value + g.kahanC : g.value;
          break;
        default:
          v = g.value;
      }
      const rs = resultSeries[gi]!;
      rs.dropName = g.dropName;
      rs.t.push(ts);
      rs.v.push(v);
    }
  }
  if (isK) {
    const res = n === 1 ? instantOrder : [...out.values()];
    ev.ctx.addSamples(res.length);
    return res;
  }
  const res = resultSeries.filter((s) => s.t.length > 0);
  let pts = 0;
  for (const s of res) pts += s.t.length;
  ev.ctx.addSamples(pts);
  return res;
}

/** Go container/heap-compatible helpers: `less` orders the heap root first. */
function heapLess(top: boolean): (a: Sample, b: Sample) => boolean {
  // topk keeps a min-heap (vectorByValueHeap), bottomk a max-heap (vectorByReverseValueHeap); NaN sorts first.
  return top ? (a, b) => Number.isNaN(a.v) || a.v < b.v : (a, b) => Number.isNaN(a.v) || a.v > b.v;
}

function heapUp(h: Sample[], j: number, less: (a: Sample, b: Sample) => boolean): void {
  while (j > 0) {
    const i = (j - 1) >> 1;
    if (i === j || !less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    j = i;
  }
}

function heapDown(h: Sample[], i0: number, n: number, less: (a: Sample, b: Sample) => boolean): void {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
    if (!less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    i = j;
  }
}

/** Adds series `src`'s value `f` at `ts` to a k-aggregation group; the Sample is made only when kept. */
function addK(op: AggregateExpr['op'], g: Group, src: EvalSeries, ts: number, f: number, p: number, nInput: number): void {
  const mk = (): Sample => ({ metric: src.metric, t: ts, v: f, dropName: src.dropName });
  if (op === 'limit_ratio') {
    const r = p < -1 ? -1 : p > 1 ? 1 : p;
    if (!g.seen) {
      g.seen = true;
      g.heap = [];
    }
    const s = mk();
    if (addRatioSample(r, s)) g.heap.push(s);
    return;
  }
  const k = Math.min(Math.trunc(p), nInput);
  if (k < 1) return;
  if (!g.seen) {
    g.seen = true;
    g.heap = [mk()];
    g.count = 0;
    return;
  }
  if (op === 'limitk') {
    if (g.heap.length < k) g.heap.push(mk());
    return;
  }
  const top = op === 'topk';
  const less = top ? LESS_TOP : LESS_BOTTOM;
  const h = g.heap;
  if (h.length < k) {
    h.push(mk());
    heapUp(h, h.length - 1, less);
    return;
  }
  const root = h[0]!;
  const replace = top ? root.v < f || (Number.isNaN(root.v) && !Number.isNaN(f)) : root.v > f || (Number.isNaN(root.v) && !Number.isNaN(f));
  if (replace) {
    h[0] = mk();
    if (k > 1) heapDown(h, 0, h.length, less);
  }
}

const LESS_TOP = heapLess(true);
const LESS_BOTTOM = heapLess(false);

/** Final order of a topk/bottomk group: best first (sort.Reverse of the heap order). */
function sortHeap(h: Sample[], top: boolean): Sample[] {
  const less = heapLess(top);
  return h.slice().sort((a, b) => (less(b, a) ? -1 : less(a, b) ? 1 : 0));
}

/** limit_ratio's deterministic per-series sampling (Prometheus' HashRatioSampler). */
function addRatioSample(ratio: number, s: Sample): boolean {
  const offset = sampleOffset(s.metric);
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
}

function sampleOffset(l: Labels): number {
  // Not bit-identical to Prometheus' xxhash-based offset; stable per label set.
  let h = 0x811c9dc5;
  const key = labelsKey(l);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x100000000;
}

function isValidUTF8(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')) && !s.includes('\uFFFD');
}

/** Go's strconv.FormatFloat(f, 'f', -1, 64). */
function goFormatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  if (!/e/.test(s)) return s;
  const [mant, expS] = s.split('e') as [string, string];
  const exp = Number(expS);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const intLen = (mant.replace('-', '').split('.')[0] ?? '').length + exp;
  let r: string;
  if (intLen <= 0) r = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) r = digits + '0'.repeat(intLen - digits.length);
  else r = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + r;
}

const Op = { Sum: 0, Avg: 1, Max: 2, Min: 3, Count: 4, Stddev: 5, Stdvar: 6, Group: 7 } as const;
type Op = (typeof Op)[keyof typeof Op];
const SIMPLE_OPS = new Map<AggregateExpr['op'], Op>([
  ['sum', Op.Sum], ['avg', Op.Avg], ['max', Op.Max], ['min', Op.Min], ['count', Op.Count], ['stddev', Op.Stddev], ['stdvar', Op.Stdvar], ['group', Op.Group],
]);

/** Cells (group × step) accumulated at once by aggregateBySeries. */
const CHUNK_CELLS = 1 << 18;

/**
 * The aggregations without a parameter, for range evaluations: the same arithmetic as the
 * step-by-step loop of evalAggregate, in the same order within each (group, step) cell
 * (series order), but walking series by series over chunks of steps, so no per-step
 * objects are made and each series' points are read sequentially.
 */
function aggregateBySeries(ev: Evaluator, op: Op, input: Matrix, seriesToGroup: Int32Array, groupLabels: Labels[]): Matrix {
  const n = ev.numSteps;
  const ng = groupLabels.length;
  const chunk = Math.max(1, Math.min(n, Math.floor(CHUNK_CELLS / Math.max(1, ng))));
  const cells = ng * chunk;
  const value = new Float64Array(cells);
  const kahanC = new Float64Array(cells);
  const mean = new Float64Array(cells);
  const count = new Float64Array(cells);
  const seen = new Uint8Array(cells);
  const incremental = new Uint8Array(cells);
  const dropName = new Uint8Array(cells);
  const cursors = new Int32Array(input.length);
  const resultSeries: EvalSeries[] = groupLabels.map((m) => ({ metric: m, dropName: false, t: [], v: [] }));
  const start = ev.start, interval = ev.interval;
  for (let from = 0; from < n; from += chunk) {
    ev.ctx.check();
    const to = Math.min(n, from + chunk);
    const tEnd = start + (to - 1) * interval;
    seen.fill(0);
    for (let si = 0; si < input.length; si++) {
      const s = input[si]!;
      const st = s.t, sv = s.v;
      const base = seriesToGroup[si]! * chunk - from;
      const dn = s.dropName;
      let c = cursors[si]!;
      for (; c < st.length; c++) {
        const ts = st[c]!;
        if (ts > tEnd) break;
        const step = (ts - start) / interval;
        if (step < from || !Number.isInteger(step)) continue; // not on a step: the step loop never matches it
        const x = base + step;
        const f = sv[c]!;
        if (seen[x] === 0) {
          seen[x] = 1;
          value[x] = op === Op.Stddev || op === Op.Stdvar ? (Number.isFinite(f) ? 0 : NaN) : op === Op.Group ? 1 : f;
          mean[x] = f;
          kahanC[x] = 0;
          count[x] = 1;
          incremental[x] = 0;
          dropName[x] = dn ? 1 : 0;
          continue;
        }
        if (dn) dropName[x] = 1;
        switch (op) {
          case Op.Sum: {
            const sum = value[x]!;
            const t = sum + f;
            if (t === Infinity || t === -Infinity) kahanC[x] = 0;
            else if (Math.abs(sum) >= Math.abs(f)) kahanC[x] = kahanC[x]! + (sum - t + f);
            else kahanC[x] = kahanC[x]! + (f - t + sum);
            value[x] = t;
            break;
          }
          case Op.Avg: {
            const cnt = ++count[x]!;
            if (incremental[x] === 0) {
              const [nv, nc] = kahanInc(f, value[x]!, kahanC[x]!);
              if (Number.isFinite(nv) || Number.isNaN(nv)) {
                value[x] = nv;
                kahanC[x] = nc;
                break;
              }
              incremental[x] = 1;
              mean[x] = value[x]! / (cnt - 1);
              kahanC[x] = kahanC[x]! / (cnt - 1);
            }
            const q = (cnt - 1) / cnt;
            const [nm, nc] = kahanInc(f / cnt, q * mean[x]!, q * kahanC[x]!);
            mean[x] = nm;
            kahanC[x] = nc;
            break;
          }
          case Op.Max:
            if (value[x]! < f || Number.isNaN(value[x]!)) value[x] = f;
            break;
          case Op.Min:
            if (value[x]! > f || Number.isNaN(value[x]!)) value[x] = f;
            break;
          case Op.Count:
            count[x]!++;
            break;
          case Op.Stddev:
          case Op.Stdvar: {
            const cnt = ++count[x]!;
            const delta = f - mean[x]!;
            mean[x] = mean[x]! + delta / cnt;
            value[x] = value[x]! + delta * (f - mean[x]);
            break;
          }
          case Op.Group:
            break;
        }
      }
      cursors[si] = c;
    }
    for (let gi = 0; gi < ng; gi++) {
      const rs = resultSeries[gi]!;
      const base = gi * chunk - from;
      for (let step = from; step < to; step++) {
        const x = base + step;
        if (seen[x] === 0) continue;
        let v: number;
        switch (op) {
          case Op.Avg:
            v = incremental[x] === 1 ? mean[x]! + kahanC[x]! : value[x]! / count[x]! + kahanC[x]! / count[x]!;
            break;
          case Op.Count:
            v = count[x]!;
            break;
          case Op.Stdvar:
            v = value[x]! / count[x]!;
            break;
          case Op.Stddev:
            v = Math.sqrt(value[x]! / count[x]!);
            break;
          case Op.Sum:
            v = Number.isFinite(value[x]!) ? value[x]! + kahanC[x]! : value[x]!;
            break;
          default:
            v = value[x]!;
        }
        rs.dropName = dropName[x] === 1;
        rs.t.push(start + step * interval);
        rs.v.push(v);
      }
    }
  }
  const res = resultSeries.filter((r) => r.t.length > 0);
  let pts = 0;
  for (const r of res) pts += r.t.length;
  ev.ctx.addSamples(pts);
  return res;
}
