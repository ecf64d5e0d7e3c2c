// End to end: the Dashboards pages in Chromium against the real server (bin/vigie with the
// built UI, the built-in host collector and the dashboards API), as the admin (API token).
// Imports Grafana's "Node Exporter Full" through the file picker, checks that its variables
// resolve to the local host and that its panels draw; then builds a dashboard in the editor,
// saves it, reloads it and exports it. Screenshots at 375 and 1920 px go to test-artifacts/ui/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { waitUntil } from '../common/index.js';
import { type Browser, ROOT, type RunningVigie, e2eSkipReason, launchBrowser, seriesPixels, shootBothWidths, startVigie, waitForPoints } from './e2e.support.js';

const FIXTURE = join(ROOT, 'test-fixtures', 'grafana', 'node-exporter-full.json');

/** The value shown by a variable's control (a single-value select). */
async function varValue(page: Page, name: string): Promise<string> {
  const sel = page.locator(`[data-var="${name}"] select`);
  return (await sel.count()) === 0 ? '' : sel.inputValue();
}

/** Chart canvases of timeseries panels that have pixels of any colour other than the background (series, axes and grid included). */
async function drawnCanvases(page: Page): Promise<number> {
  const n = await page.evaluate<unknown>(`(() => {
    let n = 0;
    for (const canvas of document.querySelectorAll('.dash-panel-timeseries .chart-canvas canvas')) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let colored = 0;
      for (let i = 0; i < d.length; i += 4) {
        const max = Math.max(d[i], d[i + 1], d[i + 2]);
        const min = Math.min(d[i], d[i + 1], d[i + 2]);
        if (d[i + 3] > 128 && max - min > 60) colored++;
      }
      if (colored > 20) n++;
    }
    return n;
  })()`);
  return typeof n === 'number' ? n : 0;
}

describe('dashboards UI in Chromium (end to end)', () => {
  it('imports Node Exporter Full, resolves its variables, draws it; edits, saves, reloads and exports a dashboard', { timeout: 420_000 }, async (t) => {
    const skip = e2eSkipReason();
    if (skip !== undefined) return t.skip(skip);
    let vigie: RunningVigie | undefined;
    let browser: Browser | undefined;
    try {
      vigie = await startVigie('host:\n  enabled: true\n  interval: 1s\n');
      const { base } = vigie;
      const host = hostname();
      await waitForPoints(vigie, `node_load1{job="node"}`, 5);
      browser = await launchBrowser(vigie.dir, vigie.token);
      const { page, pageErrors } = browser;
      page.on('dialog', (d) => void d.accept());

      // Import through the file picker.
      await page.goto(`${base}/dashboards`);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.locator('.dash-import input[type="file"]').setInputFiles(FIXTURE);
      // Straight to the dashboard, or first the list of import warnings with a link to it.
      await waitUntil(async () => /\/dashboards\/[^/?]+/.test(page.url()) || (await page.locator('.dash-open-imported').count()) > 0, 60_000, 'the import to finish');
      if (!/\/dashboards\/[^/?]+/.test(page.url())) {
        t.diagnostic(`import warnings: ${(await page.locator('.dash-warnings').innerText()).replace(/\s+/g, ' ')}`);
        await page.locator('.dash-open-imported').click();
      }
      await page.locator('h1', { hasText: 'Node Exporter Full' }).waitFor({ timeout: 30_000 });

      // Variables: job → nodename → instance, each resolved from the one above it.
      await waitUntil(async () => (await varValue(page, 'job')) === 'node', 60_000, 'variable job = node');
      await waitUntil(async () => (await varValue(page, 'nodename')) === host, 60_000, `variable nodename = ${host}`);
      await waitUntil(async () => (await varValue(page, 'node')) === host, 60_000, `variable node = ${host}`);
      await waitUntil(() => Promise.resolve(/var-job=node/.test(page.url()) && page.url().includes(`var-node=${encodeURIComponent(host)}`)), 30_000, 'the variables in the address');

      // The last hour (the collector has been running for seconds, not a day).
      await page.locator('.range-picker button', { hasText: /^1h$/ }).click();
      await page.waitForURL(/from=now-1h/);
      const cpuBusy = page.locator('section[aria-label="CPU Busy"]');
      await cpuBusy.waitFor({ timeout: 30_000 });
      await waitUntil(async () => /\d/.test((await cpuBusy.locator('.dash-gauge-text').textContent().catch(() => '')) ?? ''), 60_000, 'CPU Busy shows a number');
      const busy = (await cpuBusy.locator('.dash-gauge-text').textContent()) ?? '';
      assert.match(busy, /^\d+(\.\d+)?%$/, `CPU Busy shows ${busy}`);
      await waitUntil(async () => (await drawnCanvases(page)) >= 3, 90_000, 'three timeseries panels drawn');
      assert.ok((await seriesPixels(page)) > 0, 'series drawn in the first palette colour');
      // A collapsed row holds its panels until opened.
      const before = await page.locator('.dash-panel').count();
      await page.locator('.dash-row-toggle', { hasText: 'CPU / Memory / Net / Disk' }).first().click();
      await waitUntil(async () => (await page.locator('.dash-panel').count()) > before, 30_000, 'the expanded row shows its panels');
      await page.locator('.dash-row-toggle', { hasText: 'CPU / Memory / Net / Disk' }).first().click();
      await page.evaluate('window.scrollTo(0, 0)');
      await shootBothWidths(page, 'dashboard-imported');

      // A new dashboard built in the editor.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${base}/dashboards`);
      await page.locator('a', { hasText: 'Node Exporter Full' }).waitFor({ timeout: 30_000 });
      await shootBothWidths(page, 'dashboards-list');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.getByRole('button', { name: 'New dashboard' }).click();
      await page.waitForURL(/\/dashboards\/[^/?]+\?edit=1/);
      await page.getByRole('button', { name: 'Settings & variables' }).click();
      await page.locator('input[name="dashboard-title"]').fill('E2E load');
      await page.locator('input[name="dashboard-tags"]').fill('e2e, load');
      await page.locator('input[name="dashboard-tags"]').blur();

      await page.locator('select[aria-label="Type of the new panel"]').selectOption('stat');
      await page.getByRole('button', { name: 'Add panel' }).click();
      const panelEditor = page.locator('section[aria-label="Edit panel"]');
      await panelEditor.locator('input[name="panel-title"]').fill('Load 1');
      await panelEditor.locator('textarea[name="expr-0"]').fill('node_load1{job="node"}');
      await panelEditor.getByRole('button', { name: 'Add threshold' }).click(); // red from 90 (after the default red from 80)
      await shootBothWidths(page, 'dashboard-panel-editor');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await panelEditor.getByRole('button', { name: 'Apply' }).click();

      await page.locator('select[aria-label="Type of the new panel"]').selectOption('timeseries');
      await page.getByRole('button', { name: 'Add panel' }).click();
      await panelEditor.locator('input[name="panel-title"]').fill('Load averages');
      await panelEditor.locator('textarea[name="expr-0"]').fill('node_load1{job="node"}');
      await panelEditor.locator('input[name="legend-0"]').fill('{{instance}}');
      await panelEditor.getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await waitUntil(async () => (await page.locator('h1', { hasText: '(unsaved)' }).count()) === 0, 30_000, 'the dashboard saved');
      assert.equal(await page.locator('.dash-conflict').count(), 0);
      await page.getByRole('button', { name: 'Done' }).click();

      await page.reload();
      await page.locator('h1', { hasText: 'E2E load' }).waitFor({ timeout: 30_000 });
      const stat = page.locator('section[aria-label="Load 1"] .dash-stat-value');
      await waitUntil(async () => /\d/.test((await stat.textContent().catch(() => '')) ?? ''), 60_000, 'the stat panel shows a number');
      await waitUntil(async () => (await seriesPixels(page)) > 20, 60_000, 'the timeseries panel drawn');
      await shootBothWidths(page, 'dashboard-edited');

      // Export: the server's Grafana JSON holds the panels as built.
      await page.setViewportSize({ width: 1920, height: 1080 });
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('button.dash-export').click()]);
      const path = await download.path();
      const exported = JSON.parse(await readFile(path, 'utf8')) as { dashboard?: unknown; panels?: unknown };
      const model = (exported.dashboard ?? exported) as { title: string; panels: { title: string; type: string; targets: { expr: string }[]; fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null }[] } } } }[] };
      assert.equal(model.title, 'E2E load');
      assert.deepEqual(model.panels.map((p) => [p.type, p.title, p.targets[0]?.expr]), [['stat', 'Load 1', 'node_load1{job="node"}'], ['timeseries', 'Load averages', 'node_load1{job="node"}']]);
      assert.deepEqual(model.panels[0]?.fieldConfig?.defaults?.thresholds?.steps.map((s) => s.value), [null, 80, 90]);

      // Someone else saves in between: Save answers 412, the page says so and offers to overwrite.
      const uid = decodeURIComponent(/\/dashboards\/([^/?]+)/.exec(page.url())?.[1] ?? '');
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('button', { name: 'Settings & variables' }).click();
      await page.locator('input[name="dashboard-title"]').fill('E2E load (mine)');
      const stored = JSON.parse((await vigie.api(`/api/v1/dashboards/${encodeURIComponent(uid)}`)).body) as { data: { version: number; dashboard: Record<string, unknown> } };
      const theirs = await vigie.api('/api/v1/dashboards', { body: { dashboard: { ...stored.data.dashboard, uid, version: stored.data.version, title: 'E2E load (theirs)' } } });
      assert.equal(theirs.status, 200, theirs.body);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('.dash-conflict').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Overwrite' }).click();
      await page.locator('.dash-conflict').waitFor({ state: 'detached', timeout: 30_000 });
      const after = JSON.parse((await vigie.api(`/api/v1/dashboards/${encodeURIComponent(uid)}`)).body) as { data: { title: string; version: number } };
      assert.equal(after.data.title, 'E2E load (mine)');
      assert.ok(after.data.version > stored.data.version + 1, `version ${after.data.version} after two saves on ${stored.data.version}`);

      assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    } finally {
      await browser?.close();
      if (process.exitCode !== undefined && process.exitCode !== 0 && vigie !== undefined) console.error(vigie.logs.join(''));
      await vigie?.stop();
    }
  });
});
