// End to end: the real server (bin/vigie, with the built UI and the built-in host collector)
// driven in Debian's headless Chromium through playwright-core. Screenshots of each page at
// 375 px and 1920 px wide go to test-artifacts/ui/; no page may scroll sideways.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { waitUntil } from '../common/index.js';

// dist/src/server/ui.e2e.test.js -> repo root
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const UI_INDEX = join(ROOT, 'ui', 'dist', 'index.html');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'ui-e2e-test-token';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The first colour of the charts' palette (ui/src/components/Chart.tsx): a pixel of it means a series was drawn. */
const FIRST_SERIES_RGB: readonly [number, number, number] = [0x3b, 0x82, 0xf6];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, body: await r.text() };
}

// Browser-side code is sent as source text: Node's TypeScript setup has no DOM types.
/** Pixels of `rgb` (±24 per channel) over all chart canvases of the page. */
async function seriesPixels(page: Page, rgb: readonly [number, number, number]): Promise<number> {
  const n = await page.evaluate<unknown>(`(() => {
    const c = ${JSON.stringify(rgb)};
    let n = 0;
    for (const canvas of document.querySelectorAll('.chart-canvas canvas')) {
      const ctx = canvas.getContext('2d');
      if (ctx === null || canvas.width === 0 || canvas.height === 0) continue;
      const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] > 0 && Math.abs(d[i] - c[0]) < 24 && Math.abs(d[i + 1] - c[1]) < 24 && Math.abs(d[i + 2] - c[2]) < 24) n++;
      }
    }
    return n;
  })()`);
  return typeof n === 'number' ? n : 0;
}

/** [document width, viewport width] in CSS px. */
async function widths(page: Page): Promise<[number, number]> {
  const w = await page.evaluate<unknown>('[document.scrollingElement.scrollWidth, window.innerWidth]');
  assert.ok(Array.isArray(w) && w.length === 2);
  return [Number(w[0]), Number(w[1])];
}

/** Screenshots the page at 375 and 1920 px wide and checks that nothing scrolls sideways. */
async function shootBothWidths(page: Page, name: string): Promise<void> {
  for (const width of [375, 1920]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 1080 });
    await page.waitForTimeout(300); // let ResizeObserver re-lay the charts out (a layout pass, not a timing assertion)
    const [scrollWidth, innerWidth] = await widths(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    assert.ok(scrollWidth <= innerWidth, `${name} at ${width} px overflows sideways: scrollWidth ${scrollWidth} > ${innerWidth}`);
  }
}

describe('web UI in Chromium (end to end)', () => {
  it('shows the local host green, draws its charts and runs an autocompleted query in Explore', { timeout: 240_000 }, async (t) => {
    if (!existsSync(CHROMIUM)) return t.skip(`CHROMIUM MISSING: ${CHROMIUM} not installed (apt-get install chromium); the UI end-to-end test cannot run`);
    if (!existsSync(UI_INDEX)) return t.skip(`UI NOT BUILT: ${UI_INDEX} missing; run "make build"`);
    const dir = await mkdtemp(join(tmpdir(), 'vigie-ui-e2e-'));
    let child: ChildProcess | undefined;
    let context: BrowserContext | undefined;
    const logs: string[] = [];
    try {
      await mkdir(ARTIFACTS, { recursive: true });
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const config = join(dir, 'vigie.yml');
      // Read-only guest: the login flow in the browser is tested separately (issue 7, next step).
      await writeFile(config, 'host:\n  enabled: true\n  interval: 1s\nauth:\n  anonymous: viewer\n');
      child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, VIGIE_API_TOKEN: TOKEN },
      });
      child.stdout?.on('data', (b: Buffer) => logs.push(b.toString()));
      child.stderr?.on('data', (b: Buffer) => logs.push(b.toString()));
      await waitUntil(async () => (await get(`${base}/-/ready`).catch(() => ({ status: 0 }))).status === 200, 30_000, 'the server to be ready');
      // Enough 1 s collections for rate() and for lines of several points at the 1 h range's 10 s step.
      const host = hostname();
      await waitUntil(
        async () => {
          const end = Date.now() / 1000;
          const q = new URLSearchParams({ query: `node_load1{job="node",instance=${JSON.stringify(host)}}`, start: String(end - 3600), end: String(end), step: '10' });
          const r = await get(`${base}/api/v1/query_range?${q.toString()}`);
          const parsed = JSON.parse(r.body) as { data?: { result?: { values: unknown[] }[] } };
          return (parsed.data?.result?.[0]?.values.length ?? 0) >= 3;
        },
        90_000,
        'three 10 s steps of host data',
        1000,
      );

      context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1920, height: 1080 },
        extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` },
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));

      // Overview: the local host's tile is green and says so in words.
      await page.goto(`${base}/`);
      const tile = page.locator('a.tile', { hasText: host });
      await tile.waitFor({ timeout: 30_000 });
      // Green, unless this (shared, 2-core) machine is really that busy: then the only reason
      // given must be the CPU, and the API must agree that it is over the 80 % threshold.
      await waitUntil(async () => /tile-(ok|warn|crit)/.test((await tile.getAttribute('class')) ?? ''), 60_000, 'the host tile graded');
      const cls = (await tile.getAttribute('class')) ?? '';
      const reasons = (await tile.getAttribute('title')) ?? '';
      if (cls.includes('tile-ok')) assert.match(await tile.innerText(), /OK/);
      else {
        assert.match(reasons, /^CPU \d+%$/, `host not green for another reason than CPU: ${reasons}`);
        const q = new URLSearchParams({ query: `100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",instance=${JSON.stringify(host)}}[2m])))` });
        const cpu = Number((JSON.parse((await get(`${base}/api/v1/query?${q.toString()}`)).body) as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1]);
        assert.ok(cpu > 75, `tile says ${reasons} but the CPU is at ${cpu}%`);
        t.diagnostic(`host tile not green on a busy machine: ${reasons} (${cls})`);
      }
      await shootBothWidths(page, 'overview');

      // Host page: each chart has a canvas and series lines are drawn on them.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await tile.click();
      await page.waitForURL(/\/hosts\//);
      await page.locator('.chart-canvas canvas').first().waitFor({ timeout: 30_000 });
      await waitUntil(async () => (await page.locator('.chart-canvas canvas').count()) >= 6, 30_000, 'six host charts');
      await waitUntil(async () => (await seriesPixels(page, FIRST_SERIES_RGB)) > 50, 30_000, 'series drawn on the host charts');
      const titles = await page.locator('.chart-title').allInnerTexts();
      for (const want of ['CPU by mode', 'Load average', 'Memory and swap', 'Network']) assert.ok(titles.includes(want), `chart "${want}" in ${titles.join(', ')}`);
      await shootBothWidths(page, 'host');

      // Explore: typing node_ offers metric names; running a query draws it.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${base}/explore`);
      const editor = page.locator('.cm-content');
      await editor.waitFor({ timeout: 30_000 });
      await editor.click();
      // At a person's pace: faster synthetic typing into CodeMirror closes the tab in headless Chromium 156 (see the UI README).
      await page.keyboard.type('node_load', { delay: 100 });
      const completion = page.locator('.cm-tooltip-autocomplete');
      await completion.waitFor({ timeout: 30_000 });
      await completion.locator('li', { hasText: 'node_load1' }).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'explore-autocomplete-1920.png') });
      await page.keyboard.press('Escape');
      await page.keyboard.type('5', { delay: 100 });
      await page.keyboard.press('Escape'); // with the list open, Enter would pick an entry instead of running
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=node_load5/);
      await waitUntil(async () => (await seriesPixels(page, FIRST_SERIES_RGB)) > 50, 30_000, 'the Explore chart drawn');
      await shootBothWidths(page, 'explore');

      // Status: targets, TSDB and the configuration.
      await page.goto(`${base}/status`);
      await page.locator('pre.config', { hasText: 'host' }).waitFor({ timeout: 30_000 });
      await shootBothWidths(page, 'status');

      assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    } finally {
      await context?.close();
      if (child !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child?.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
      if (process.exitCode !== undefined && process.exitCode !== 0) console.error(logs.join(''));
    }
  });
});
