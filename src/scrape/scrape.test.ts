import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type VigieConfig } from '../config/index.js';
import { type ScrapeDone, ScrapeManager } from './index.js';
import { MemoryAppendable, PageServer } from './testutil.js';

const PAGE = '# HELP m A metric.\n# TYPE m gauge\nm{a="1"} 1\nm{a="2"} 2\nother 3\n';

function config(yaml: string): VigieConfig {
  return parseConfig(yaml, 'test.yml').config;
}

async function setup(yaml: (addr: string) => string, page = PAGE): Promise<{ srv: PageServer; app: MemoryAppendable; mgr: ScrapeManager; cfg: VigieConfig; [Symbol.asyncDispose](): Promise<void> }> {
  const srv = await PageServer.start();
  srv.page = page;
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  const cfg = config(yaml(srv.address));
  await mgr.applyConfig(cfg.scrape_configs, cfg.global);
  return {
    srv,
    app,
    mgr,
    cfg,
    async [Symbol.asyncDispose]() {
      await mgr.stop();
      await srv.close();
    },
  };
}

const job = (addr: string, extra = ''): string => `scrape_configs:\n  - job_name: j\n    scrape_interval: 1m\n    static_configs: [{targets: ['${addr}'], labels: {env: prod}}]\n${extra}`;

test('static target: samples with target labels, report series, request headers', async () => {
  const s = await setup((a) => job(a));
  try {
    await s.mgr.scrapeAllNow();
    const last = s.app.last();
    const inst = s.srv.address;
    assert.equal(last.get(`m{a="1", env="prod", instance="${inst}", job="j"}`)?.v, 1);
    assert.equal(last.get(`other{env="prod", instance="${inst}", job="j"}`)?.v, 3);
    assert.equal(last.get(`up{env="prod", instance="${inst}", job="j"}`)?.v, 1);
    assert.equal(last.get(`scrape_samples_scraped{env="prod", instance="${inst}", job="j"}`)?.v, 3);
    assert.equal(last.get(`scrape_samples_post_metric_relabeling{env="prod", instance="${inst}", job="j"}`)?.v, 3);
    assert.equal(last.get(`scrape_series_added{env="prod", instance="${inst}", job="j"}`)?.v, 3);
    assert.ok(last.get(`scrape_duration_seconds{env="prod", instance="${inst}", job="j"}`)!.v >= 0);
    assert.equal(s.app.commits, 1, 'one batch per scrape');
    const h = s.srv.requests[0]!;
    assert.match(h.accept ?? '', /application\/openmetrics-text/);
    assert.equal(h['x-prometheus-scrape-timeout-seconds'], '10');
    assert.match(h['accept-encoding'] ?? '', /gzip/);
    assert.equal(s.srv.urls[0], '/metrics');
    const [t] = s.mgr.targets();
    assert.equal(t?.health, 'up');
    assert.equal(t?.scrapePool, 'j');
    assert.equal(t?.scrapeUrl, `http://${inst}/metrics`);
    assert.deepEqual(t?.labels, { env: 'prod', instance: inst, job: 'j' });
    assert.equal(t?.discoveredLabels.__address__, inst);
    assert.equal(t?.discoveredLabels.__scrape_interval__, '1m');

    // Second scrape: `other` disappeared → one staleness marker; nothing new added.
    s.srv.page = 'm{a="1"} 1\nm{a="2"} 2\n';
    s.app.clear();
    await s.mgr.scrapeAllNow();
    const stale = s.app.samples.filter((x) => x.stale).map((x) => x.series);
    assert.deepEqual(stale, [`other{env="prod", instance="${inst}", job="j"}`]);
    assert.equal(s.app.last().get(`scrape_series_added{env="prod", instance="${inst}", job="j"}`)?.v, 0);
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

test('honor_labels false renames conflicts to exported_*, true keeps the scraped values', async () => {
  const page = 'm{job="x",instance="y",exported_job="z"} 1\n';
  const s = await setup((a) => job(a), page);
  try {
    await s.mgr.scrapeAllNow();
    const inst = s.srv.address;
    assert.ok(s.app.last().has(`m{env="prod", exported_exported_job="x", exported_instance="y", exported_job="z", instance="${inst}", job="j"}`), [...s.app.last().keys()].join('\n'));
  } finally {
    await s[Symbol.asyncDispose]();
  }
  const h = await setup((a) => job(a, '    honor_labels: true\n'), page);
  try {
    await h.mgr.scrapeAllNow();
    assert.ok(h.app.last().has('m{env="prod", exported_job="z", instance="y", job="x"}'), [...h.app.last().keys()].join('\n'));
  } finally {
    await h[Symbol.asyncDispose]();
  }
});

test('honor_timestamps: explicit timestamps kept (and not tracked for staleness) unless disabled', async () => {
  const page = 'm 1 1700000000000\n';
  const s = await setup((a) => job(a), page);
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('m{')[0]?.t, 1700000000000);
    s.srv.page = '';
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.samples.filter((x) => x.stale).length, 0);
  } finally {
    await s[Symbol.asyncDispose]();
  }
  const n = await setup((a) => job(a, '    honor_timestamps: false\n'), page);
  try {
    await n.mgr.scrapeAllNow();
    assert.ok(Math.abs(n.app.of('m{')[0]!.t - Date.now()) < 60_000);
  } finally {
    await n[Symbol.asyncDispose]();
  }
});

test('sample_limit exceeded fails the scrape: up=0, no samples, previous series stale', async () => {
  const s = await setup((a) => job(a, '    sample_limit: 3\n'));
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('up{')[0]?.v, 1);
    s.srv.page = PAGE + 'x 4\n';
    s.app.clear();
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('up{')[0]?.v, 0);
    assert.equal(s.app.of('x{').length, 0);
    assert.equal(s.app.samples.filter((x) => x.stale).length, 3, 'm{a=1}, m{a=2}, other become stale');
    assert.equal(s.app.of('scrape_samples_scraped{')[0]?.v, 4);
    const [t] = s.mgr.targets();
    assert.equal(t?.health, 'down');
    assert.match(t?.lastError ?? '', /sample limit exceeded: 4 samples after metric relabeling, sample_limit is 3/);
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

test('relabel_configs keep/drop targets; metric_relabel_configs drop series', async () => {
  const srv2 = await PageServer.start();
  srv2.page = 'second 1\n';
  const s = await setup(
    (a) =>
      `scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ['${a}', '${srv2.address}']}]\n` +
      `    relabel_configs: [{source_labels: [__address__], regex: '${a.replace(/\./g, '\\.')}', action: keep}]\n` +
      `    metric_relabel_configs: [{source_labels: [__name__, a], regex: 'm;2', action: drop}]\n`,
  );
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(s.mgr.targets().length, 1);
    assert.equal(s.mgr.droppedTargets()[0]?.discoveredLabels.__address__, srv2.address);
    assert.equal(srv2.requests.length, 0);
    assert.deepEqual(s.app.of('m{').map((x) => x.labels.find((l) => l.name === 'a')?.value), ['1']);
    assert.equal(s.app.of('scrape_samples_scraped{')[0]?.v, 3);
    assert.equal(s.app.of('scrape_samples_post_metric_relabeling{')[0]?.v, 2);
  } finally {
    await s[Symbol.asyncDispose]();
    await srv2.close();
  }
});

test('params, __param_ labels and metrics_path build the scrape URL', async () => {
  const s = await setup((a) => job(a, "    metrics_path: /probe\n    params: {module: [http_2xx, x], target: [a]}\n    relabel_configs: [{target_label: __param_target, replacement: 'b c'}]\n"));
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(s.srv.urls[0], '/probe?module=http_2xx&module=x&target=b+c');
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

test('a target that times out is down (up=0)', async () => {
  const s = await setup((a) => job(a, '    scrape_timeout: 100ms\n'));
  try {
    s.srv.delayMs = 1000;
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('up{')[0]?.v, 0);
    assert.match(s.mgr.targets()[0]?.lastError ?? '', /timed out after 0.1s/);
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

test('an unreachable target and a bad page are down with a clear error', async () => {
  const s = await setup(() => job('127.0.0.1:1'));
  try {
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('up{')[0]?.v, 0);
    assert.match(s.mgr.targets()[0]?.lastError ?? '', /ECONNREFUSED/);
  } finally {
    await s[Symbol.asyncDispose]();
  }
  const b = await setup((a) => job(a), 'm{a="1" 1\n');
  try {
    await b.mgr.scrapeAllNow();
    assert.equal(b.app.of('up{')[0]?.v, 0);
    assert.notEqual(b.mgr.targets()[0]?.lastError, '');
  } finally {
    await b[Symbol.asyncDispose]();
  }
});

test('a job removed on reload gets staleness markers; an unchanged job keeps its cache', async () => {
  const s = await setup((a) => job(a) + `  - job_name: k\n    static_configs: [{targets: ['${a}']}]\n`);
  try {
    await s.mgr.scrapeAllNow();
    const cfg2 = config(job(s.srv.address));
    s.app.clear();
    await s.mgr.applyConfig(cfg2.scrape_configs, cfg2.global);
    const stale = s.app.samples.filter((x) => x.stale);
    assert.ok(stale.length === 3 + 5 && stale.every((x) => x.series.includes('job="k"')), stale.map((x) => x.series).join('\n'));
    s.app.clear();
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('scrape_series_added{')[0]?.v, 0, 'cache kept for job j');
  } finally {
    await s[Symbol.asyncDispose]();
  }
});

test('loops run on their own schedule after start(signal)', async () => {
  const s = await setup((a) => job(a).replace('1m', '200ms'));
  const ac = new AbortController();
  try {
    await s.mgr.start(ac.signal);
    await new Promise((r) => setTimeout(r, 900));
    const ups = s.app.of('up{').length;
    // Bounds are loose on purpose: the machine may be loaded (timers fire late, never early).
    assert.ok(ups >= 2 && ups <= 6, `expected about 4 scrapes, got ${ups}`);
    const ts = s.app.of('up{').map((x) => x.t);
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! - ts[i - 1]! > 140 && ts[i]! - ts[i - 1]! < 700, `spacing ${ts[i]! - ts[i - 1]!}`);
  } finally {
    ac.abort();
    await s[Symbol.asyncDispose]();
  }
});

test('file_sd: targets from JSON/YAML files, re-read on change', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-filesd-'));
  const srv2 = await PageServer.start();
  srv2.page = 'n 1\n';
  const s = await setup((a) => {
    void a;
    return `scrape_configs:\n  - job_name: f\n    file_sd_configs: [{files: ['${dir}/*.json', '${dir}/*.yml'], refresh_interval: 1h}]\n`;
  });
  const write = async (name: string, text: string): Promise<void> => {
    await writeFile(join(dir, name + '.tmp'), text);
    await rename(join(dir, name + '.tmp'), join(dir, name));
  };
  const waitFor = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(cond(), 'condition not reached in 5s');
  };
  try {
    assert.equal(s.mgr.targets().length, 0);
    await write('a.json', JSON.stringify([{ targets: [s.srv.address], labels: { team: 'x' } }]));
    await waitFor(() => s.mgr.targets().length === 1);
    assert.equal(s.mgr.targets()[0]?.labels.team, 'x');
    assert.equal(s.mgr.targets()[0]?.discoveredLabels.__meta_filepath, join(dir, 'a.json'));
    await write('b.yml', `- targets: ['${srv2.address}']\n`);
    await waitFor(() => s.mgr.targets().length === 2);
    await s.mgr.scrapeAllNow();
    assert.equal(s.app.of('n{').length, 1);
    s.app.clear();
    await rm(join(dir, 'b.yml'));
    await waitFor(() => s.mgr.targets().length === 1);
    await waitFor(() => s.app.samples.some((x) => x.stale && x.series.startsWith('n{')));
  } finally {
    await s[Symbol.asyncDispose]();
    await srv2.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('gzip responses are decoded', async () => {
  const { createServer } = await import('node:http');
  const { gzipSync } = await import('node:zlib');
  const srv = createServer((_req, res) => {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipSync('g 7\n'));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const app = new MemoryAppendable();
  const mgr = new ScrapeManager({ appendable: app });
  const cfg = config(job(`127.0.0.1:${port}`));
  try {
    await mgr.applyConfig(cfg.scrape_configs, cfg.global);
    await mgr.scrapeAllNow();
    assert.equal(app.of('g{')[0]?.v, 7);
  } finally {
    await mgr.stop();
    srv.closeAllConnections();
    srv.close();
  }
});

test('onScrape hears every committed scrape with its job, duration and health', async () => {
  const srv = await PageServer.start();
  srv.page = PAGE;
  const heard: ScrapeDone[] = [];
  const mgr = new ScrapeManager({ appendable: new MemoryAppendable(), onScrape: (e) => heard.push(e) });
  const cfg = config(`${job(srv.address)}  - job_name: gone\n    static_configs: [{targets: ['127.0.0.1:1']}]\n`);
  try {
    await mgr.applyConfig(cfg.scrape_configs, cfg.global);
    await mgr.scrapeAllNow();
    await mgr.scrapeAllNow();
    const byJob = (j: string): ScrapeDone[] => heard.filter((e) => e.job === j);
    assert.equal(byJob('j').length, 2);
    assert.equal(byJob('gone').length, 2);
    assert.ok(byJob('j').every((e) => e.up && e.durationSeconds > 0 && e.durationSeconds < 10));
    assert.ok(byJob('gone').every((e) => !e.up));
  } finally {
    await mgr.stop();
    await srv.close();
  }
});
