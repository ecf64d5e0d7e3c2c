import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { parseConfig } from '../config/index.js';
import { ScrapeManager } from './index.js';
import { MemoryAppendable } from './testutil.js';
import { freePort } from '../common/index.js';

const BIN = ['prometheus-node-exporter', 'node_exporter'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);


test('scrapes the real node_exporter (Debian prometheus-node-exporter)', async (t) => {
  if (BIN === undefined) {
    t.skip('SKIPPED: prometheus-node-exporter is not installed (apt-get install prometheus-node-exporter; `make system-deps`)');
    console.warn('node-exporter.test: SKIPPED, prometheus-node-exporter not installed');
    return;
  }
  const port = await freePort();
  const child = spawn(BIN, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.loadavg', '--collector.filesystem'], { stdio: 'ignore' });
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  try {
    const { config } = parseConfig(`scrape_configs:\n  - job_name: node\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`, 'test.yml');
    await mgr.applyConfig(config.scrape_configs, config.global);
    let up = 0;
    for (let i = 0; i < 50 && up !== 1; i++) {
      app.clear();
      await mgr.scrapeAllNow();
      up = app.of('up{')[0]?.v ?? 0;
      if (up !== 1) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(up, 1, mgr.targets()[0]?.lastError);
    const names = new Set(app.samples.map((s) => s.labels.find((l) => l.name === '__name__')?.value));
    for (const n of ['node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_load1', 'go_goroutines']) assert.ok(names.has(n), `missing ${n}`);
    const cpu = app.samples.find((s) => s.series.startsWith('node_cpu_seconds_total{'));
    assert.ok(cpu?.labels.some((l) => l.name === 'cpu') && cpu.labels.some((l) => l.name === 'mode'));
    assert.ok(cpu?.labels.some((l) => l.name === 'instance' && l.value === `127.0.0.1:${port}`));
    const scraped = app.of('scrape_samples_scraped{')[0]?.v ?? 0;
    assert.ok(scraped > 50, `scraped ${scraped}`);
    assert.equal(app.samples.length, scraped + 5);
  } finally {
    await mgr.stop();
    child.kill();
  }
});
