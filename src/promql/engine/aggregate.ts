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
        addK(e.op, g, { metric: s.metric, t: ts, v: f, dropName: s.dropName }, p, input.length);
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

function addK(op: AggregateExpr['op'], g: Group, s: Sample, p: number, nInput: number): void {
  if (op === 'limit_ratio') {
    const r = p < -1 ? -1 : p > 1 ? 1 : p;
    if (!g.seen) {
      g.seen = true;
      g.heap = [];
    }
    if (addRatioSample(r, s)) g.heap.push(s);
    return;
  }
  const k = Math.min(Math.trunc(p), nInput);
  if (k < 1) return;
  if (!g.seen) {
    g.seen = true;
    g.heap = [s];
    g.count = 0;
    return;
  }
  if (op === 'limitk') {
    if (g.heap.length < k) g.heap.push(s);
    return;
  }
  const top = op === 'topk';
  const less = heapLess(top);
  const h = g.heap;
  if (h.length < k) {
    h.push(s);
    heapUp(h, h.length - 1, less);
    return;
  }
  const root = h[0]!;
  const replace = top ? root.v < s.v || (Number.isNaN(root.v) && !Number.isNaN(s.v)) : root.v > s.v || (Number.isNaN(root.v) && !Number.isNaN(s.v));
  if (replace) {
    h[0] = s;
    if (k > 1) heapDown(h, 0, h.length, less);
  }
}

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
