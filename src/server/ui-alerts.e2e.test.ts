// End to end: the Alerts and Probes pages and the overview's host availability, in Debian's
// headless Chromium against the real server (bin/vigie with the built UI), as the admin (the
// API token). A rule fires at once and is delivered to a webhook receiver served by this test
// on loopback; one probe target answers (a loopback server of this test), one is a closed port.
// Screenshots of each page and tab at 375 and 1920 px go to test-artifacts/ui/.
import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { freePort, waitUntil } from '../common/index.js';
import { type Browser, type RunningVigie, e2eSkipReason, launchBrowser, seriesPixels, shootBothWidths, startVigie, waitForPoints } from './e2e.support.js';

interface Peer {
  readonly port: number;
  /** Bodies POSTed to /alerts (the webhook receiver). */
  readonly hooks: string[];
  close(): Promise<void>;
}

/** One loopback server: GET /ok answers 200 (the probe target that is up), POST /alerts records webhook notifications. */
async function startPeer(): Promise<Peer> {
  const hooks: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/alerts') hooks.push(body);
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  return { port: addr.port, hooks, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const RULES = `groups:
  - name: ui-e2e
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        for: 0s
        labels: { severity: critical, team: ops }
        annotations: { summary: "Always firing for the UI test", description: "vector(1) is always there." }
`;

function config(peerPort: number, closedPort: number): string {
  return `global:
  evaluation_interval: 1s
auth:
  anonymous: viewer
host:
  enabled: true
  interval: 1s
rule_files: ["\${DIR}/*.rules.yml"]
alerting:
  route:
    receiver: hook
    group_by: [alertname]
    group_wait: 1s
    group_interval: 1m
  receivers:
    - name: hook
      webhook_configs:
        - url: http://127.0.0.1:${peerPort}/alerts
probes:
  - job_name: web
    module: http_2xx
    interval: 1s
    targets: ['http://127.0.0.1:${peerPort}/ok', 'http://127.0.0.1:${closedPort}/']
`;
}

type Json = Record<string, unknown>;

describe('Alerts and Probes pages in Chromium (end to end)', () => {
  it('silences a firing alert in two clicks, shows history and deliveries, and probe targets with phases and incidents', { timeout: 300_000 }, async (t) => {
    const skip = e2eSkipReason();
    if (skip !== undefined) return t.skip(skip);
    let vigie: RunningVigie | undefined;
    let browser: Browser | undefined;
    let viewer: Browser | undefined;
    const peer = await startPeer();
    try {
      const closedPort = await freePort();
      const upTarget = `http://127.0.0.1:${peer.port}/ok`;
      const downTarget = `http://127.0.0.1:${closedPort}/`;
      vigie = await startVigie(config(peer.port, closedPort), { 'ui.rules.yml': RULES });
      const v = vigie;
      const getJson = async (path: string): Promise<unknown> => {
        const r = await v.api(path);
        assert.equal(r.status, 200, `${path}: ${r.body}`);
        return JSON.parse(r.body) as unknown;
      };
      const dataOf = async (path: string): Promise<unknown> => ((await getJson(path)) as { data: unknown }).data;

      // Wait, through the API, for what the pages will show.
      await waitUntil(async () => ((await dataOf('/api/v1/alerts')) as { alerts: Json[] }).alerts.some((a) => a['state'] === 'firing'), 60_000, 'AlwaysFiring firing');
      await waitUntil(() => peer.hooks.length > 0, 60_000, 'the webhook notification');
      await waitUntil(async () => ((await dataOf('/api/v1/notifications')) as unknown[]).length > 0, 30_000, 'a notification attempt logged');
      await waitUntil(async () => {
        const probes = (await dataOf('/api/v1/probes')) as Json[];
        return probes.find((p) => p['instance'] === upTarget)?.['status'] === 'up' && probes.find((p) => p['instance'] === downTarget)?.['status'] === 'down';
      }, 60_000, 'both probe targets probed');
      await waitForPoints(v, `sum by (phase) (probe_http_duration_seconds{instance="${upTarget}"})`);

      browser = await launchBrowser(v.dir, v.token);
      const { page, pageErrors } = browser;

      // Alerts tab: the firing alert, grouped under its name, with its labels and summary.
      await page.goto(`${v.base}/alerts`);
      const group = page.locator('section.alert-group[data-alertname="AlwaysFiring"]');
      await group.waitFor({ timeout: 30_000 });
      assert.match(await group.innerText(), /1 firing/);
      assert.match(await group.innerText(), /Always firing for the UI test/);
      assert.match(await group.innerText(), /severity="critical"/);
      await shootBothWidths(page, 'alerts');

      // Two clicks: "Silence" → the prefilled form → "Create".
      await page.setViewportSize({ width: 1920, height: 1080 });
      await group.locator('button.silence-btn').click();
      const matchers = await group.locator('input[aria-label="Matchers"]').inputValue();
      assert.equal(matchers, '{alertname="AlwaysFiring", severity="critical", team="ops"}');
      assert.equal(await group.locator('input[aria-label="Duration"]').inputValue(), '2h');
      await group.locator('button[type="submit"]', { hasText: 'Create' }).click();
      await group.getByText('silenced').waitFor({ timeout: 30_000 });
      const amAlerts = (await getJson('/api/v2/alerts')) as { labels: Json; status: { state: string; silencedBy: string[] } }[];
      const am = amAlerts.find((a) => a.labels['alertname'] === 'AlwaysFiring');
      assert.equal(am?.status.state, 'suppressed');
      assert.equal(am?.status.silencedBy.length, 1);
      const silenceId = am.status.silencedBy[0] ?? '';
      const silence = (await getJson(`/api/v2/silence/${silenceId}`)) as { createdBy: string; status: { state: string }; startsAt: string; endsAt: string };
      assert.equal(silence.status.state, 'active');
      assert.equal(silence.createdBy, 'token:VIGIE_API_TOKEN');
      const hours = (Date.parse(silence.endsAt) - Date.parse(silence.startsAt)) / 3_600_000;
      assert.ok(Math.abs(hours - 2) < 0.01, `silence lasts ${hours} h`);

      // Silences tab: listed as active; expire it.
      await page.locator('button[data-tab="silences"]').click();
      await page.waitForURL(/tab=silences/);
      const item = page.locator(`section[data-state="active"] li[data-silence-id="${silenceId}"]`);
      await item.waitFor({ timeout: 30_000 });
      assert.match(await item.innerText(), /alertname="AlwaysFiring"/);
      await shootBothWidths(page, 'alerts-silences');
      // Edit: 3 h from now instead of 2 h; an active silence with the same matchers keeps its id.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await item.locator('button', { hasText: 'Edit' }).click();
      await item.locator('input[aria-label="Duration"]').fill('3h');
      await item.locator('button[type="submit"]', { hasText: 'Save' }).click();
      await waitUntil(async () => {
        const s = (await getJson(`/api/v2/silence/${silenceId}`)) as { endsAt: string };
        return Math.abs((Date.parse(s.endsAt) - Date.now()) / 3_600_000 - 3) < 0.05;
      }, 30_000, 'the silence extended to 3 h from now');
      await item.locator('button.expire-btn').waitFor({ timeout: 30_000 });
      await item.locator('button.expire-btn').click();
      await page.locator(`section[data-state="expired"] li[data-silence-id="${silenceId}"]`).waitFor({ timeout: 30_000 });
      assert.equal(((await getJson(`/api/v2/silence/${silenceId}`)) as { status: { state: string } }).status.state, 'expired');

      // History tab: the alert's timeline has a firing span, and its transitions are listed.
      await page.locator('button[data-tab="history"]').click();
      const timeline = page.locator('li.timeline[data-alertname="AlwaysFiring"]');
      await timeline.waitFor({ timeout: 30_000 });
      assert.ok((await timeline.locator('.span-firing').count()) >= 1, 'a firing span on the timeline');
      await page.locator('table.history', { hasText: 'AlwaysFiring' }).waitFor({ timeout: 30_000 });
      await shootBothWidths(page, 'alerts-history');

      // Notifications tab: the webhook delivery, successful.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.locator('button[data-tab="notifications"]').click();
      const row = page.locator('table.notifications tr[data-receiver="hook"]').first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /webhook/);
      assert.match(await row.innerText(), /success/);
      await shootBothWidths(page, 'alerts-notifications');

      // Probes: both targets with their status in words.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${v.base}/probes`);
      const upRow = page.locator(`tr[data-target="${upTarget}"]`);
      const downRow = page.locator(`tr[data-target="${downTarget}"]`);
      await upRow.waitFor({ timeout: 30_000 });
      await downRow.waitFor({ timeout: 30_000 });
      assert.match(await upRow.locator('.badge').first().innerText(), /up/);
      assert.match(await downRow.locator('.badge').first().innerText(), /down/);
      assert.ok((await downRow.innerText()).length > downTarget.length + 20, 'the down row gives a reason');
      await shootBothWidths(page, 'probes');
      // The status filter.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.locator('select').nth(1).selectOption('down');
      await page.waitForURL(/status=down/);
      await waitUntil(async () => (await upRow.count()) === 0 && (await downRow.count()) === 1, 10_000, 'the filter to hide the up target');

      // Detail of the up target: the latency chart by phase is drawn.
      await page.goto(`${v.base}/probes?probe=web&target=${encodeURIComponent(upTarget)}`);
      await page.locator('.chart-canvas canvas').first().waitFor({ timeout: 30_000 });
      assert.match(await page.locator('.chart-title').first().innerText(), /Latency by phase/);
      await waitUntil(async () => (await seriesPixels(page)) > 0, 30_000, 'the phase chart drawn');
      await shootBothWidths(page, 'probe-detail');

      // Detail of the down target (through its link): its incident, ongoing.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${v.base}/probes`);
      await downRow.locator('a.probe-link').click();
      await page.waitForURL(/target=/);
      const incident = page.locator('table.incidents tbody tr').first();
      await incident.waitFor({ timeout: 30_000 });
      assert.match(await incident.innerText(), /ongoing/);
      assert.match(await incident.innerText(), /down/);
      await shootBothWidths(page, 'probe-detail-down');

      // Overview: the host tile shows its availability over 24 h and 7 d. The built-in collector
      // has no `up`: the figure counts 1-minute slots with data, so the first needs a minute boundary.
      const slots = `sum by (instance) (sum_over_time(clamp_max(count_over_time(node_time_seconds{job="node"}[1m]), 1)[24h:1m]))`;
      await waitUntil(async () => ((await dataOf(`/api/v1/query?query=${encodeURIComponent(slots)}`)) as { result: unknown[] }).result.length > 0, 90_000, 'a first 1-minute slot of host data', 1000);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.goto(`${v.base}/`);
      const avail = page.locator('a.tile', { hasText: hostname() }).locator('.tile-availability');
      await avail.waitFor({ timeout: 30_000 });
      await waitUntil(async () => /24h \d[\d.]*% · 7d \d[\d.]*%/.test(await avail.innerText()), 60_000, 'host availability shown');
      assert.match(await avail.innerText(), /24h 100% · 7d 100%/);
      await shootBothWidths(page, 'overview-availability');

      assert.deepEqual(pageErrors, [], 'no uncaught error in the page');

      // The anonymous viewer sees the alert and the silences but no control that changes state.
      viewer = await launchBrowser(v.dir);
      for (const path of ['/alerts', '/alerts?tab=silences', '/alerts?tab=history', '/alerts?tab=notifications', '/probes', `/probes?probe=web&target=${encodeURIComponent(downTarget)}`]) {
        await viewer.page.goto(`${v.base}${path}`);
        await viewer.page.locator('.card, table').first().waitFor({ timeout: 30_000 });
        assert.equal(await viewer.page.locator('[data-change]').count(), 0, `no [data-change] for a viewer on ${path}`);
      }
      assert.equal(await viewer.page.locator('section.alert-group').count(), 0, 'sanity: the last page is the probe detail');
      await viewer.page.goto(`${v.base}/alerts`);
      await viewer.page.locator('section.alert-group[data-alertname="AlwaysFiring"]').waitFor({ timeout: 30_000 });
      assert.equal(await viewer.page.locator('button.silence-btn').count(), 0);
      assert.deepEqual(viewer.pageErrors, [], 'no uncaught error in the viewer page');
    } finally {
      await viewer?.close();
      await browser?.close();
      if (process.exitCode !== undefined && process.exitCode !== 0 && vigie !== undefined) console.error(vigie.logs.join(''));
      await vigie?.stop();
      await peer.close();
    }
  });
});
