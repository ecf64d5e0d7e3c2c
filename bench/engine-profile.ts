// In-process PromQL engine timings of the dashboard queries (bench/README.md "Dashboard
// queries") over the fleet held in a MemoryQueryable: no HTTP, no storage decoding.
// Usage: node [--cpu-prof] dist/bench/engine-profile.js [--hosts 10] [--hours 24] [--runs 5] [--only N]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { labelsFromPairs } from '../src/model/index.js';
import { Engine } from '../src/promql/engine/index.js';
import { MemoryQueryable } from '../src/storage/memory.js';
import { DEFAULT_FLEET_END, generateFleet } from './fleet-data.js';
import { TEMPLATE } from './peers.js';

export const DASHBOARD_QUERIES = [
  '100 - (avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)',
  '(node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) / node_memory_MemTotal_bytes * 100',
  '(node_filesystem_size_bytes - node_filesystem_avail_bytes) / node_filesystem_size_bytes * 100',
  'rate(node_network_receive_bytes_total[5m])',
  'sum by (instance) (rate(node_network_transmit_bytes_total[5m]))',
  'node_load1',
  'topk(5, rate(node_cpu_seconds_total[5m]))',
  'avg_over_time(node_load1[1h])',
  'max_over_time(node_memory_MemAvailable_bytes[1h])',
  'sum by (mode) (rate(node_cpu_seconds_total[5m]))',
  'count by (job) ({job="node"})',
];

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { hosts: { type: 'string', default: '10' }, hours: { type: 'string', default: '24' }, runs: { type: 'string', default: '5' }, only: { type: 'string' } },
  });
  const hours = Number(args.hours);
  const fleet = generateFleet({ template: TEMPLATE, hosts: Number(args.hosts), hours });
  const ts = Array.from(fleet[0]!.ts);
  const q = new MemoryQueryable(fleet.map((s) => ({ labels: labelsFromPairs(s.labels), t: ts, v: s.vs })));
  const engine = new Engine();
  const end = DEFAULT_FLEET_END;
  const start = end - hours * 3600_000;
  const queries = args.only !== undefined ? [DASHBOARD_QUERIES[Number(args.only)]!] : DASHBOARD_QUERIES;
  console.log(`${fleet.length} series, ${ts.length} samples each`);
  let logSum = 0;
  for (const query of queries) {
    const times: number[] = [];
    let shape = '';
    for (let r = 0; r < Number(args.runs); r++) {
      const t0 = performance.now();
      const res = await engine.rangeQuery(q, query, start, end, 60_000);
      times.push(performance.now() - t0);
      if (res.type === 'matrix' && r === 0) {
        // Digest of the exact result (labels, times and value bits) to compare runs of different builds.
        const h = createHash('sha1');
        for (const s of res.value) {
          h.update(JSON.stringify(s.metric));
          h.update(new Uint8Array(s.t.buffer, s.t.byteOffset, s.t.byteLength));
          h.update(new Uint8Array(s.v.buffer, s.v.byteOffset, s.v.byteLength));
        }
        shape = `${res.value.length} series, ${res.value.reduce((a, s) => a + s.t.length, 0)} points, ${h.digest('hex').slice(0, 8)}`;
      }
    }
    times.sort((a, b) => a - b);
    const med = times[Math.floor(times.length / 2)]!;
    logSum += Math.log(med);
    console.log(`${med.toFixed(1).padStart(8)} ms  ${shape.padEnd(38)} ${query}`);
  }
  console.log(`geometric mean ${Math.exp(logSum / queries.length).toFixed(1)} ms`);
}

await main();
