// Support for the browser end-to-end tests (src/server/*.e2e.test.ts): start the real server
// (bin/vigie, with the built UI) on loopback, drive Debian's headless Chromium through
// playwright-core, keep screenshots as artifacts and check the layout. Test code only: the
// dependency rules let *.support.ts files use devDependencies like tests do.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { freePort, waitUntil } from '../common/index.js';

// dist/src/server/e2e.support.js -> repo root
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'vigie');
const UI_INDEX = join(ROOT, 'ui', 'dist', 'index.html');
/** Screenshots land here (kept by CI as artifacts; not committed). */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'ui');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The first colour of the charts' palette (ui/src/components/Chart.tsx): a pixel of it means a series was drawn. */
export const FIRST_SERIES_RGB: readonly [number, number, number] = [0x3b, 0x82, 0xf6];

/** Why the browser tests cannot run here (to pass to t.skip, loudly), or undefined when they can. */
export function e2eSkipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `CHROMIUM MISSING: ${CHROMIUM} not installed (apt-get install chromium); the UI end-to-end test cannot run`;
  if (!existsSync(UI_INDEX)) return `UI NOT BUILT: ${UI_INDEX} missing; run "make build"`;
  return undefined;
}

export interface RunningVigie {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** The admin API token the server was started with (VIGIE_API_TOKEN). */
  readonly token: string;
  readonly dir: string;
  /** Everything the server wrote to stdout and stderr so far (JSON log lines). */
  readonly logs: string[];
  /** GET or POST with the admin token; JSON body when `body` is given. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: string }>;
  /** SIGTERM, wait for exit, remove the temporary directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts bin/vigie with `configYaml` (written to <tmp>/vigie.yml; may mention `${DIR}`, replaced
 * by the temporary directory) and the admin token in VIGIE_API_TOKEN, and waits for /-/ready.
 * `extraFiles` are written into the temporary directory before the start (rule files...).
 */
export async function startVigie(configYaml: string, extraFiles: Record<string, string> = {}, token = 'ui-e2e-test-token'): Promise<RunningVigie> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-ui-e2e-'));
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const api: RunningVigie['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(`${base}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
    return { status: r.status, body: await r.text() };
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [name, text] of Object.entries(extraFiles)) await writeFile(join(dir, name), text.replaceAll('${DIR}', dir));
    const config = join(dir, 'vigie.yml');
    await writeFile(config, configYaml.replaceAll('${DIR}', dir));
    child = spawn(process.execPath, [BIN, 'server', '--config', config, '--data-dir', join(dir, 'data'), '--listen', `127.0.0.1:${port}`, '--log.format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VIGIE_API_TOKEN: token },
    });
    child.stdout?.on('data', (b: Buffer) => logs.push(b.toString()));
    child.stderr?.on('data', (b: Buffer) => logs.push(b.toString()));
    const c = child;
    await waitUntil(
      async () => {
        if (c.exitCode !== null) throw new Error(`vigie exited with ${c.exitCode}: ${logs.join('')}`);
        return (await api('/-/ready').catch(() => ({ status: 0 }))).status === 200;
      },
      30_000,
      'the server to be ready',
    );
    return { base, token, dir, logs, api, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught errors thrown in the page so far. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile under `dir`. With `token`, every request
 * carries it (the browser is then the admin without logging in); without it the browser
 * is anonymous and must log in through the UI.
 */
export async function launchBrowser(dir: string, token?: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(join(dir, `chromium-profile-${Math.random().toString(36).slice(2)}`), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1920, height: 1080 },
    ...(token === undefined ? {} : { extraHTTPHeaders: { Authorization: `Bearer ${token}` } }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await mkdir(ARTIFACTS, { recursive: true });
  return { context, page, pageErrors, close: () => context.close() };
}

// Browser-side code is sent as source text: Node's TypeScript setup has no DOM types.
/** Pixels of `rgb` (±24 per channel) over all chart canvases of the page. */
export async function seriesPixels(page: Page, rgb: readonly [number, number, number] = FIRST_SERIES_RGB): Promise<number> {
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

/** Screenshots the page at 375 and 1920 px wide into ARTIFACTS and checks that nothing scrolls sideways; leaves the viewport at 1920. */
export async function shootBothWidths(page: Page, name: string): Promise<void> {
  for (const width of [375, 1920]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 1080 });
    await page.waitForTimeout(300); // let ResizeObserver re-lay the charts out (a layout pass, not a timing assertion)
    const [scrollWidth, innerWidth] = await widths(page);
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    assert.ok(scrollWidth <= innerWidth, `${name} at ${width} px overflows sideways: scrollWidth ${scrollWidth} > ${innerWidth}`);
  }
}

/** Waits until the range query `expr` over the last hour at a 10 s step has `points` points (enough data for charts). */
export async function waitForPoints(vigie: RunningVigie, expr: string, points = 3, timeoutMs = 90_000): Promise<void> {
  await waitUntil(
    async () => {
      const end = Date.now() / 1000;
      const q = new URLSearchParams({ query: expr, start: String(end - 3600), end: String(end), step: '10' });
      const r = await vigie.api(`/api/v1/query_range?${q.toString()}`);
      const parsed = JSON.parse(r.body) as { data?: { result?: { values: unknown[] }[] } };
      return (parsed.data?.result?.[0]?.values.length ?? 0) >= points;
    },
    timeoutMs,
    `${points} points of ${expr}`,
    1000,
  );
}
