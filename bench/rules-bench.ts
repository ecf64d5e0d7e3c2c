// Rule evaluation cost (bench/README.md "Alerting rules"): 1,000 alerting rules over the
// 10-host fleet, in 50 groups of 20, evaluated round after round as a 15-s interval would,
// through the real RuleManager and PromQL engine, over the last hours of the fleet held in
// the TSDB (default) or a MemStorage (`--store mem`: no index, every selector scans all
// series), ALERTS / ALERTS_FOR_STATE written back into it.
// Usage: node dist/bench/rules-bench.js [--hosts 10] [--hours 3] [--rounds 40] [--rules 1000] [--store tsdb|mem]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger, systemClock, ManualClock } from '../src/common/index.js';
import { type Labels, labelsFromPairs } from '../src/model/index.js';
import { Engine } from '../src/promql/index.js';
import { type Appendable, type Queryable, MemStorage } from '../src/storage/index.js';
import { Db } from '../src/tsdb/index.js';
import { type AlertingRule, type RuleFile, RuleManager, memAppendable } from '../src/rules/index.js';
import { DEFAULT_FLEET_END, type FleetSeries, generateFleet } from './fleet-data.js';
import { TEMPLATE } from './peers.js';

/** Alert expressions users write for hosts; `$T` is the threshold, varied per rule. */
const SHAPES: readonly { readonly expr: string; readonly lo: number; readonly hi: number }[] = [
  { expr: '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100) > $T', lo: 0, hi: 100 },
  { expr: '(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) / node_memory_MemTotal_bytes * 100 > $T', lo: 0, hi: 100 },
  { expr: '(node_filesystem_size_bytes - node_filesystem_avail_bytes) / node_filesystem_size_bytes * 100 > $T', lo: 0, hi: 100 },
  { expr: 'node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < $T', lo: 0, hi: 100 },
  { expr: 'rate(node_network_receive_bytes_total[5m]) > $T', lo: 0, hi: 1e6 },
  { expr: 'sum by (instance) (rate(node_network_transmit_bytes_total[5m])) > $T', lo: 0, hi: 1e6 },
  { expr: 'increase(node_network_receive_errs_total[5m]) > $T', lo: 0, hi: 10 },
  { expr: 'node_load1 > $T', lo: 0, hi: 4 },
  { expr: 'node_load5 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"}) > $T', lo: 0, hi: 2 },
  { expr: 'rate(node_disk_io_time_seconds_total[5m]) > $T', lo: 0, hi: 1 },
];

function ruleSet(n: number, perGroup: number): RuleFile {
  const rules: AlertingRule[] = [];
  for (let i = 0; i < n; i++) {
    const shape = SHAPES[i % SHAPES.length]!;
    const k = Math.floor(i / SHAPES.length);
    const threshold = shape.lo + ((shape.hi - shape.lo) * ((k * 37) % 100)) / 100;
    rules.push({
      kind: 'alerting',
      alert: `Rule${i}`,
      expr: shape.expr.replace('$T', String(threshold)),
      forMs: (i % 4) * 60_000,
      keepFiringForMs: 0,
      labels: { severity: i % 3 === 0 ? 'page' : 'ticket' },
      annotations: { summary: i % 2 === 0 ? '{{ $labels.instance }} at {{ $value | humanize }}' : 'threshold crossed' },
    });
  }
  const groups = [];
  for (let g = 0; g * perGroup < n; g++) groups.push({ name: `group${g}`, intervalMs: 15_000, limit: 0, labels: {}, rules: rules.slice(g * perGroup, (g + 1) * perGroup) });
  return { path: 'bench.rules.yml', groups };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      hosts: { type: 'string', default: '10' },
      hours: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '40' },
      rules: { type: 'string', default: '1000' },
      store: { type: 'string', default: 'tsdb' },
    },
  });
  const hours = Number(args.hours);
  const fleet = generateFleet({ template: TEMPLATE, hosts: Number(args.hosts), hours });
  const samples = fleet.reduce((n, s) => n + s.ts.length, 0);
  const { queryable, appendable, close } = args.store === 'mem' ? memStore(fleet) : await tsdbStore(fleet);
  const clock = new ManualClock(DEFAULT_FLEET_END - 3600_000);
  let alertsSent = 0;
  const manager = new RuleManager({
    engine: new Engine({ clock }),
    queryable,
    appendable,
    sendAlerts: (a) => (alertsSent += a.length),
    evaluationIntervalMs: 15_000,
    restoreForState: false,
    externalURL: 'http://localhost:9090',
    clock,
    logger: silentLogger(),
  });
  await manager.update([ruleSet(Number(args.rules), 20)]);
  const groups = manager.groups();
  console.log(`${args.store}: ${fleet.length} series, ${samples} samples (${hours} h); ${groups.reduce((n, g) => n + g.rules.length, 0)} alerting rules in ${groups.length} groups`);
  const wall: number[] = [];
  const cpu: number[] = [];
  const rounds = Number(args.rounds);
  // Rounds walk the last hour of data, 15 s apart, as the evaluation loop would.
  for (let r = 0; r < rounds; r++) {
    const t = DEFAULT_FLEET_END - 3600_000 + r * 15_000;
    clock.set(t);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const g of groups) await g.evaluate(t);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  let errors = 0;
  let active = 0;
  for (const g of groups) for (const rule of g.rules) {
    if (rule.health === 'err') errors++;
    if ('activeAlerts' in rule) active += rule.activeAlerts().length;
  }
  // The first rounds warm the JIT and caches; they are reported apart.
  const warm = Math.min(5, Math.floor(rounds / 4));
  const steady = wall.slice(warm).sort((a, b) => a - b);
  const steadyCpu = cpu.slice(warm).sort((a, b) => a - b);
  const pct = (xs: number[], p: number): number => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))]!;
  console.log(`first round ${wall[0]!.toFixed(1)} ms; over ${steady.length} rounds after ${warm} warm-up rounds:`);
  console.log(`  evaluation time per round: median ${pct(steady, 0.5).toFixed(1)} ms, p99 ${pct(steady, 0.99).toFixed(1)} ms, max ${steady.at(-1)!.toFixed(1)} ms`);
  console.log(`  CPU per round: median ${pct(steadyCpu, 0.5).toFixed(1)} ms = ${((pct(steadyCpu, 0.5) / 15_000) * 100).toFixed(2)} % of one core at a 15 s interval`);
  console.log(`  ${active} active alerts, ${alertsSent} alerts sent, ${errors} rules in error; RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  await close();
}

function memStore(fleet: readonly FleetSeries[]): { queryable: Queryable; appendable: Appendable; close: () => Promise<void> } {
  const mem = new MemStorage();
  for (const s of fleet) {
    const labels = labelsFromPairs(s.labels);
    for (let i = 0; i < s.ts.length; i++) mem.append(labels, s.ts[i]!, s.vs[i]!);
  }
  return { queryable: mem, appendable: memAppendable(mem), close: () => Promise.resolve() };
}

/** The fleet appended to a fresh TSDB in time order (10-min batches, as a scraper would), in a temp dir removed at close. */
async function tsdbStore(fleet: readonly FleetSeries[]): Promise<{ queryable: Queryable; appendable: Appendable; close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-rules-bench-'));
  const db = await Db.open({ dir, logger: silentLogger(), clock: systemClock, retentionTime: Number.MAX_SAFE_INTEGER });
  const labels: Labels[] = fleet.map((s) => labelsFromPairs(s.labels));
  const refs = new Array<number>(fleet.length).fill(0);
  const n = fleet[0]?.ts.length ?? 0;
  for (let from = 0; from < n; from += 40) {
    const app = db.appender();
    for (let i = 0; i < fleet.length; i++) {
      const s = fleet[i]!;
      for (let k = from; k < Math.min(n, from + 40); k++) refs[i] = app.append(refs[i]!, labels[i]!, s.ts[k]!, s.vs[k]!);
    }
    await app.commit();
  }
  return {
    queryable: db,
    appendable: db,
    close: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

await main();
