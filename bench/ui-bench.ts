// First load of the web UI's overview in Debian's headless Chromium, cold cache each run:
// navigation start → first paint, first contentful paint, DOMContentLoaded, load, and the
// host tiles drawn; plus the JavaScript bytes transferred (compressed, as sent on the wire).
// Targets (issue 7): load under 1 s, under 500 KB of compressed JavaScript.
// Then charts: 7 days of 10 series (backfilled with `vigie import` before the start) opened
// in Explore, at the automatic resolution and at 1 min (10,080 points per series): the
// time to build and draw the chart (the UI's "vigie-chart-draw" measure) and from the
// query's response to the chart drawn. Target: 7 days of 10 series well under a second.
// Usage: npx tsc -p tsconfig.json && node dist/bench/ui-bench.js [--runs 7]
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { waitUntil } from '../src/common/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'ui-bench-token';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface LoadFigures {
  firstPaintMs: number;
  firstContentfulPaintMs: number;
  domContentLoadedMs: number;
  loadMs: number;
  tilesShownMs: number;
  jsTransferredBytes: number;
  jsDecodedBytes: number;
  cssTransferredBytes: number;
  requests: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

const CHART_SERIES = 10;
const CHART_DAYS = 7;
const CHART_STEP_S = 60;

/** OpenMetrics text of CHART_SERIES gauges every CHART_STEP_S over the CHART_DAYS days before `endS`. */
function chartData(endS: number): string {
  const lines = ['# TYPE bench_chart_series gauge'];
  const startS = endS - CHART_DAYS * 86_400;
  for (let i = 0; i < CHART_SERIES; i++) {
    for (let t = startS; t <= endS; t += CHART_STEP_S) {
      const v = 50 + 40 * Math.sin((t / 86_400) * 2 * Math.PI + i) + ((t * 7919 + i * 104_729) % 1000) / 100;
      lines.push(`bench_chart_series{series="${i}"} ${v.toFixed(3)} ${t}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

interface ChartFigures {
  /** The UI's measure: building the uPlot chart up to the next frame. */
  drawMs: number;
  /** From the query_range response's end to the chart drawn (JSON parsing, alignment, draw). */
  responseToDrawnMs: number;
  points: number;
}

// Runs in the page once the chart is drawn.
const READ_CHART = `(() => {
  const m = performance.getEntriesByName('vigie-chart-draw').at(-1);
  const q = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/query_range')).at(-1);
  if (!m || !q) return undefined;
  return { drawMs: m.duration, responseToDrawnMs: m.startTime + m.duration - q.responseEnd, points: m.detail.points * m.detail.series };
})()`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

// Runs in the page (source text: Node's TypeScript setup has no DOM types).
const READ_FIGURES = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]));
  const res = performance.getEntriesByType('resource');
  const sum = (f, k) => res.filter(f).reduce((a, r) => a + r[k], 0);
  const isJs = (r) => r.name.split('?')[0].endsWith('.js');
  const isCss = (r) => r.name.split('?')[0].endsWith('.css');
  const tiles = performance.getEntriesByName('tiles-shown')[0];
  return {
    firstPaintMs: paint['first-paint'] ?? NaN,
    firstContentfulPaintMs: paint['first-contentful-paint'] ?? NaN,
    domContentLoadedMs: nav.domContentLoadedEventEnd,
    loadMs: nav.loadEventEnd,
    tilesShownMs: tiles ? tiles.startTime : NaN,
    // transferSize: bytes on the wire (headers + compressed body); encodedBodySize is the compressed body alone.
    jsTransferredBytes: sum(isJs, 'transferSize') + (nav.name.endsWith('.js') ? nav.transferSize : 0),
    jsDecodedBytes: sum(isJs, 'decodedBodySize'),
    cssTransferredBytes: sum(isCss, 'transferSize'),
    requests: res.length + 1,
  };
})()`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = Math.max(1, Number(values.runs));
  if (!existsSync(join(ROOT, 'ui', 'dist', 'index.html'))) throw new Error('ui/dist not built: run make build');
  const dir = await mkdtemp(join(tmpdir(), 'vigie-ui-bench-'));
  let child: ChildProcess | undefined;
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = join(dir, 'vigie.yml');
    await writeFile(config, 'host:\n  enabled: true\n  interval: 1s\n');
    const dataFile = join(dir, 'chart.om');
    await writeFile(dataFile, chartData(Math.floor(Date.now() / 1000)));
    const importer = spawn(process.execPath, [join(ROOT, 'bin', 'vigie'), 'import', dataFile, '--data-dir', join(dir, 'data')], { stdio: 'ignore' });
    const code = await new Promise<number | null>((r) => importer.once('exit', r));
    if (code !== 0) throw new Error(`vigie import exited with ${String(code)}`);
    child = spawn(process.execPath, [join(ROOT, 'bin', 'vigie'), 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`], {
      stdio: 'ignore',
      env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
    });
    const headers = { Authorization: `Bearer ${TOKEN}` };
    await waitUntil(async () => (await fetch(`${base}/-/ready`, { headers }).then((r) => r.status, () => 0)) === 200, 30_000, 'server ready');
    await new Promise((r) => setTimeout(r, 3000)); // a few host collections, so the tiles have data
    const all: LoadFigures[] = [];
    for (let i = 0; i < runs; i++) {
      // A fresh profile per run: nothing cached, as on a first visit.
      const ctx = await chromium.launchPersistentContext(join(dir, `profile-${i}`), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1920, height: 1080 }, extraHTTPHeaders: headers });
      try {
        const page = ctx.pages()[0] ?? (await ctx.newPage());
        await page.goto(`${base}/`, { waitUntil: 'load' });
        await page.locator('a.tile').first().waitFor({ timeout: 30_000 });
        await page.evaluate('performance.mark("tiles-shown")');
        all.push((await page.evaluate<unknown>(READ_FIGURES)) as LoadFigures);
      } finally {
        await ctx.close();
      }
    }
    const charts: Record<string, ChartFigures[]> = { auto: [], '1m': [] };
    for (const [label, step] of [['auto', ''], ['1m', '&step=1m']] as const) {
      for (let i = 0; i < runs; i++) {
        const ctx = await chromium.launchPersistentContext(join(dir, `chart-profile-${label}-${i}`), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1920, height: 1080 }, extraHTTPHeaders: headers });
        try {
          const page = ctx.pages()[0] ?? (await ctx.newPage());
          await page.goto(`${base}/explore?q=bench_chart_series&range=7d${step}`, { waitUntil: 'load' });
          let figures: ChartFigures | undefined;
          await waitUntil(async () => (figures = (await page.evaluate<unknown>(READ_CHART)) as ChartFigures | undefined) !== undefined, 60_000, 'the Explore chart drawn');
          if (figures !== undefined) charts[label]?.push(figures);
        } finally {
          await ctx.close();
        }
      }
    }
    const keys = Object.keys(all[0] ?? {}) as (keyof LoadFigures)[];
    const summary = Object.fromEntries(keys.map((k) => [k, median(all.map((f) => f[k]))])) as unknown as LoadFigures;
    console.log(`first load of / (overview), median of ${runs} cold runs, Chromium headless, loopback:`);
    console.log(`  first paint                 ${summary.firstPaintMs.toFixed(0)} ms`);
    console.log(`  first contentful paint      ${summary.firstContentfulPaintMs.toFixed(0)} ms`);
    console.log(`  DOMContentLoaded            ${summary.domContentLoadedMs.toFixed(0)} ms`);
    console.log(`  load event                  ${summary.loadMs.toFixed(0)} ms   (target < 1000 ms)`);
    console.log(`  host tiles shown (approx.)  ${summary.tilesShownMs.toFixed(0)} ms   (includes the API queries)`);
    console.log(`  JS transferred (compressed) ${(summary.jsTransferredBytes / 1024).toFixed(1)} KiB (target < 500 KB); decoded ${(summary.jsDecodedBytes / 1024).toFixed(1)} KiB`);
    console.log(`  CSS transferred             ${(summary.cssTransferredBytes / 1024).toFixed(1)} KiB; requests ${summary.requests}`);
    for (const [label, list] of Object.entries(charts)) {
      const med = (k: keyof ChartFigures): number => median(list.map((f) => f[k]));
      console.log(`chart of ${CHART_SERIES} series over ${CHART_DAYS} d in Explore, resolution ${label} (${med('points')} points), median of ${list.length}:`);
      console.log(`  build and draw              ${med('drawMs').toFixed(0)} ms`);
      console.log(`  response end → drawn        ${med('responseToDrawnMs').toFixed(0)} ms   (target: well under 1000 ms)`);
    }
    await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
    await writeFile(join(ROOT, 'bench', 'results', 'ui-bench.json'), JSON.stringify({ runs: all, median: summary, charts }, null, 2));
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
