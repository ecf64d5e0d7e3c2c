/**
 * The benchmark fleet of /work/shared/bench/fleet-write.mjs, generated in-process.
 *
 * Reproduces that script's series exactly (same template parsing, same seeded PRNG, same
 * call order: steps are produced in batches of `batch`, host by host, series by series)
 * but collects the samples into arrays instead of sending them over remote write.
 */
import { readFileSync } from 'node:fs';

export interface FleetOptions {
  /** Path of the exposition-format template (node-template.prom). */
  readonly template: string;
  readonly hosts?: number; // default 10
  readonly hours?: number; // default 24
  readonly stepS?: number; // default 15
  /** Steps per remote-write request in fleet-write.mjs; it changes the PRNG call order. Default 20. */
  readonly batch?: number;
  /** End timestamp in ms (exclusive of the last step, as in fleet-write.mjs). Default: a fixed 2024-01-01T00:00Z. */
  readonly end?: number;
}

export interface FleetSeries {
  /** Label pairs sorted by name, as fleet-write.mjs sends them (values as written in the template). */
  readonly labels: [string, string][];
  /** Timestamps in ms. Shared by all series of one fleet: treat as read-only. */
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

export const DEFAULT_FLEET_END = Date.UTC(2024, 0, 1);

interface TemplateLine {
  name: string;
  labels: [string, string][];
  v0: number;
  type: string;
}

function parseTemplate(text: string): TemplateLine[] {
  const types = new Map<string, string>();
  const tmpl: TemplateLine[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const parts = line.split(' ');
      types.set(parts[2] ?? '', parts[3] ?? '');
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/);
    if (!m) continue;
    const name = m[1]!;
    const labels: [string, string][] = [];
    if (m[3]) for (const p of m[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels.push([p[1]!, p[2]!]);
    const base = name.replace(/_(bucket|sum|count)$/, '');
    tmpl.push({ name, labels, v0: Number(m[4]), type: types.get(name) ?? types.get(base) ?? 'untyped' });
  }
  return tmpl;
}

interface SimSeries {
  labels: [string, string][];
  v: number;
  isInt: boolean;
  kind: 'counter' | 'const' | 'walk';
  inc: number;
  vs: Float64Array;
}

/**
 * The fleet as a simulation that produces its samples in fleet-write.mjs' order, one
 * (step batch, host) request at a time, so a benchmark can ingest it without holding all
 * samples in memory. `next(out)` fills `out` with the host's series values, series-major
 * (series i of the host, step k of the batch at out[i * batchSteps + k]) and returns the
 * batch, or undefined when the fleet is exhausted.
 */
export interface FleetSim {
  /** Label pairs of every series, host by host (same order as generateFleet). */
  readonly labels: readonly [string, string][][];
  readonly perHost: number;
  readonly hosts: number;
  readonly steps: number;
  /** Timestamp in ms of step k is start + k * stepS * 1000. */
  readonly start: number;
  readonly stepS: number;
  next(out: Float64Array): { host: number; fromStep: number; toStep: number } | undefined;
}

export function createFleetSim(opts: FleetOptions): FleetSim {
  const hosts = opts.hosts ?? 10, hours = opts.hours ?? 24, stepS = opts.stepS ?? 15, batch = opts.batch ?? 20;
  const end = opts.end ?? DEFAULT_FLEET_END;
  const tmpl = parseTemplate(readFileSync(opts.template, 'utf8'));
  // The PRNG state is local to one simulation: no module-level mutable state.
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0; // exact in doubles: seed * 1664525 < 2^53
    return seed / 2 ** 32;
  };
  const steps = Math.floor((hours * 3600) / stepS);
  const start = end - steps * stepS * 1000;
  const series: Omit<SimSeries, 'vs'>[] = [];
  for (let h = 0; h < hosts; h++) {
    for (const t of tmpl) {
      const labels: [string, string][] = [['__name__', t.name], ...t.labels, ['instance', `host-${h}:9100`], ['job', 'node']];
      labels.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      const isInt = Number.isInteger(t.v0);
      const counter = t.type === 'counter' || t.type === 'histogram' || (t.type === 'summary' && /_(sum|count)$/.test(t.name));
      const kind = counter ? 'counter' : rnd() < 0.4 ? 'const' : 'walk';
      const inc = Math.max(isInt ? 1 : 0.01, Math.abs(t.v0) / 1e5) * (counter && rnd() < 0.3 ? 0 : 1);
      series.push({ labels, v: Number.isFinite(t.v0) ? t.v0 : 0, isInt, kind, inc });
    }
  }
  const per = tmpl.length;
  let sf = 0;
  let h = 0;
  return {
    labels: series.map((s) => s.labels),
    perHost: per,
    hosts,
    steps,
    start,
    stepS,
    next(out: Float64Array) {
      if (sf >= steps) return undefined;
      const stTo = Math.min(steps, sf + batch);
      const width = stTo - sf;
      for (let i = h * per; i < (h + 1) * per; i++) {
        const s = series[i]!;
        const base = (i - h * per) * width;
        for (let st = sf; st < stTo; st++) {
          if (s.kind === 'counter') s.v += s.isInt ? Math.round(rnd() * s.inc * 2) : Math.round(rnd() * s.inc * 200) / 100;
          else if (s.kind === 'walk') {
            s.v += (rnd() - 0.5) * Math.max(Math.abs(s.v) * 0.002, s.isInt ? 2 : 0.02);
            if (s.isInt) s.v = Math.round(s.v);
          }
          out[base + st - sf] = s.v;
        }
      }
      const result = { host: h, fromStep: sf, toStep: stTo };
      if (++h === hosts) {
        h = 0;
        sf = stTo;
      }
      return result;
    },
  };
}

/** Generates every series of the fleet; memory is about 8 bytes per sample plus one shared timestamp array. */
export function generateFleet(opts: FleetOptions): FleetSeries[] {
  const sim = createFleetSim(opts);
  const vs = sim.labels.map(() => new Float64Array(sim.steps));
  const ts = new Float64Array(sim.steps);
  for (let st = 0; st < sim.steps; st++) ts[st] = sim.start + st * sim.stepS * 1000;
  const out = new Float64Array(sim.perHost * (opts.batch ?? 20));
  for (let b = sim.next(out); b; b = sim.next(out)) {
    const width = b.toStep - b.fromStep;
    for (let i = 0; i < sim.perHost; i++) vs[b.host * sim.perHost + i]!.set(out.subarray(i * width, (i + 1) * width), b.fromStep);
  }
  return sim.labels.map((labels, i) => ({ labels, ts, vs: vs[i]! }));
}
