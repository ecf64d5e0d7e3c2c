// Dashboard range-query latency: the fleet (10 hosts x 24 h) is remote-written into Vigie,
// Prometheus and VictoriaMetrics in one run, then ../shared/bench/query-bench.mjs times the
// same queries against all three. Prints per-query medians, the ratios and their geometric
// mean, and checks that Vigie returns the same series and point counts as Prometheus.
// Usage: node dist/bench/query-bench.js [--hosts 10] [--hours 24] [--runs 5]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROM_URL, ROOT, TEMPLATE, VM_URL, sharedTool, sleep, start, startPrometheus, startVictoriaMetrics, toolWithVigieAuth, vigieEnv, waitHttp } from './peers.js';

const { values: args } = parseArgs({
  options: { hosts: { type: 'string', default: '10' }, hours: { type: 'string', default: '24' }, runs: { type: 'string', default: '5' }, out: { type: 'string', default: 'bench/results' } },
});
const VIGIE_URL = 'http://127.0.0.1:19400';

interface Row { q: string; [system: string]: string }

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vigie-qbench-'));
  const end = Math.floor(Date.now() / 60000) * 60000;
  const tool = sharedTool(work);
  writeFileSync(join(work, 'vigie.yml'), 'host:\n  enabled: false\nstorage:\n  retention:\n    time: 30d\n');
  const vigie = start(join(ROOT, 'bin/vigie'), ['server', '--config', join(work, 'vigie.yml'), '--data-dir', join(work, 'vigie'), '--listen', '127.0.0.1:19400', '--log.level', 'warn'], vigieEnv());
  const withAuth = toolWithVigieAuth(VIGIE_URL);
  const prom = startPrometheus(work);
  const vm = startVictoriaMetrics(work);
  try {
    await Promise.all([waitHttp(`${VIGIE_URL}/-/ready`), waitHttp(`${PROM_URL}/-/ready`), waitHttp(`${VM_URL}/health`)]);
    console.error('loading the fleet into the three systems...');
    execFileSync(process.execPath, [...withAuth.nodeArgs, join(tool, 'fleet-write.mjs'), '--template', TEMPLATE, '--url',
      `${VIGIE_URL}/api/v1/write,${PROM_URL}/api/v1/write,${VM_URL}/api/v1/write`, '--hosts', args.hosts, '--hours', args.hours, '--end', String(end)], { stdio: ['ignore', 'inherit', 'inherit'], env: withAuth.env });
    await fetch(`${VM_URL}/internal/force_flush`);
    await sleep(5000);
    const out = execFileSync(process.execPath, [...withAuth.nodeArgs, join(tool, 'query-bench.mjs'), '--end', String(end), '--hours', args.hours, '--step', '60', '--runs', args.runs,
      `vigie=${VIGIE_URL}`, `prom=${PROM_URL}`, `vm=${VM_URL}`], { encoding: 'utf8', env: withAuth.env });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l) as Row);
    const ms = (s: string | undefined): number => Number(/^([\d.]+)ms/.exec(s ?? '')?.[1] ?? NaN);
    const shape = (s: string | undefined): string => /\((.*)\)/.exec(s ?? '')?.[1] ?? s ?? '';
    let logP = 0, logV = 0, n = 0;
    const lines = ['| query | Vigie | Prometheus | VictoriaMetrics | Vigie / Prom | same series & points as Prom |', '|---|---|---|---|---|---|'];
    for (const r of rows) {
      const v = ms(r['vigie']), p = ms(r['prom']), m = ms(r['vm']);
      if (Number.isFinite(v) && Number.isFinite(p) && Number.isFinite(m)) { logP += Math.log(v / p); logV += Math.log(v / m); n++; }
      lines.push(`| \`${r.q}\` | ${v.toFixed(1)} ms | ${p.toFixed(1)} ms | ${m.toFixed(1)} ms | ${(v / p).toFixed(2)} | ${shape(r['vigie']) === shape(r['prom']) ? 'yes' : `NO: ${shape(r['vigie'])} vs ${shape(r['prom'])}`} |`);
    }
    lines.push(`\nGeometric mean of latency ratios over ${n} queries: Vigie / Prometheus ${Math.exp(logP / n).toFixed(2)}, Vigie / VictoriaMetrics ${Math.exp(logV / n).toFixed(2)}`);
    console.log(lines.join('\n'));
    mkdirSync(resolve(ROOT, args.out), { recursive: true });
    writeFileSync(resolve(ROOT, args.out, `query-${new Date().toISOString().slice(0, 19)}.json`), JSON.stringify({ end, rows }, null, 2));
  } finally {
    for (const p of [vigie, prom, vm]) p.kill('SIGTERM');
    await sleep(1500);
    rmSync(work, { recursive: true, force: true });
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
