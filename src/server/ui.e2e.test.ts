// End to end: the real server (bin/vigie, with the built UI and the built-in host collector)
// driven in Debian's headless Chromium through playwright-core, as the read-only guest.
// Screenshots of each page at 375 px and 1920 px wide go to test-artifacts/ui/; no page may
// scroll sideways. The harness is in e2e.support.ts.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { waitUntil } from '../common/index.js';
import { ARTIFACTS, type Browser, type RunningVigie, e2eSkipReason, launchBrowser, seriesPixels, shootBothWidths, startVigie, waitForPoints } from './e2e.support.js';

describe('web UI in Chromium (end to end)', () => {
  it('shows the local host green, draws its charts and runs an autocompleted query in Explore', { timeout: 240_000 }, async (t) => {
    const skip = e2eSkipReason();
    if (skip !== undefined) return t.skip(skip);
    let vigie: RunningVigie | undefined;
    let browser: Browser | undefined;
    try {
      vigie = await startVigie('host:\n  enabled: true\n  interval: 1s\nauth:\n  anonymous: viewer\n');
      const { base } = vigie;
      const get = (path: string): Promise<{ status: number; body: string }> => (vigie as RunningVigie).api(path);
      // Enough 1 s collections for rate() and for lines of several points at the 1 h range's 10 s step.
      const host = hostname();
      await waitForPoints(vigie, `node_load1{job="node",instance=${JSON.stringify(host)}}`);
      // The read-only guest: no token, no login (the login flow has its own test).
      browser = await launchBrowser(vigie.dir);
      const { page, pageErrors } = browser;

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
        for (const r of reasons.split('\n')) assert.match(r, /^CPU \d+%$|^alert HostCpuHigh firing/, `host not green for another reason than CPU: ${reasons}`);
        const q = new URLSearchParams({ query: `100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle",instance=${JSON.stringify(host)}}[2m])))` });
        const cpu = Number((JSON.parse((await get(`/api/v1/query?${q.toString()}`)).body) as { data: { result: { value: [number, string] }[] } }).data.result[0]?.value[1]);
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
      await waitUntil(async () => (await seriesPixels(page)) > 50, 30_000, 'series drawn on the host charts');
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
      await waitUntil(async () => (await seriesPixels(page)) > 50, 30_000, 'the Explore chart drawn');
      await shootBothWidths(page, 'explore');

      // Status: targets, rules, TSDB and the configuration.
      await page.goto(`${base}/status`);
      await page.locator('pre.config', { hasText: 'host' }).waitFor({ timeout: 30_000 });
      // The built-in rules (generated from the host thresholds) are listed with their state.
      const rulesCard = page.locator('section.card', { has: page.locator('h2', { hasText: 'Rules' }) });
      await rulesCard.locator('tbody tr').first().waitFor({ timeout: 30_000 });
      assert.match(await rulesCard.innerText(), /alerting/);
      await shootBothWidths(page, 'status');

      assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    } finally {
      await browser?.close();
      if (process.exitCode !== undefined && process.exitCode !== 0 && vigie !== undefined) console.error(vigie.logs.join(''));
      await vigie?.stop();
    }
  });
});
