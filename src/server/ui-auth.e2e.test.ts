// End to end: logging in and roles in the web UI. The real server (bin/vigie, built UI, no
// anonymous guest) driven in headless Chromium without a token: the login page, a wrong
// password, the admin's overview and Users page (creating a user from the UI), log out, then a
// viewer who must see no state-changing control anywhere and be refused changes, and an editor
// who may change. Harness: e2e.support.ts. Screenshots go to test-artifacts/ui/.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, type RunningVigie, e2eSkipReason, launchBrowser, shootBothWidths, startVigie } from './e2e.support.js';

const PASSWORDS = { admin: 'admin-password-e2e', eddie: 'editor-password-e2e', vera: 'viewer-password-e2e' } as const;

/** Fills the login form and submits it. */
async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(user);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Waits for the page's network to calm down (pages that refresh keep polling: then go on after 5 s). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
}

/** From inside the page: a fetch with the page's cookies, optionally with the session's CSRF token; the status. */
async function pageFetch(page: Page, method: string, path: string, body: unknown, withCsrf: boolean): Promise<number> {
  const status = await page.evaluate<unknown>(`(async () => {
    const me = await fetch('/api/v1/me', { credentials: 'same-origin' });
    const csrf = me.ok ? (await me.json()).csrfToken : undefined;
    const headers = { 'Content-Type': 'application/json' };
    if (${JSON.stringify(withCsrf)} && csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch(${JSON.stringify(path)}, { method: ${JSON.stringify(method)}, headers, credentials: 'same-origin', body: ${JSON.stringify(JSON.stringify(body))} });
    return r.status;
  })()`);
  return Number(status);
}

describe('web UI login and roles in Chromium (end to end)', () => {
  it('logs in, manages users as admin, logs out, and hides and refuses changes to a viewer', { timeout: 300_000 }, async (t) => {
    const skip = e2eSkipReason();
    if (skip !== undefined) return t.skip(skip);
    let vigie: RunningVigie | undefined;
    let browser: Browser | undefined;
    try {
      vigie = await startVigie('host:\n  enabled: true\n  interval: 2s\n');
      const v = vigie;
      const { base } = v;
      // Known passwords for the first admin and two more users (through the API, with the admin token).
      assert.equal((await v.api('/api/v1/users/admin', { method: 'PUT', body: { password: PASSWORDS.admin } })).status, 200);
      assert.equal((await v.api('/api/v1/users', { body: { name: 'eddie', role: 'editor', password: PASSWORDS.eddie } })).status, 201);
      assert.equal((await v.api('/api/v1/users', { body: { name: 'vera', role: 'viewer', password: PASSWORDS.vera } })).status, 201);

      browser = await launchBrowser(v.dir);
      const { page, context, pageErrors } = browser;
      const heading = page.locator('main.content h1').first();

      // Not logged in: the login page, and a wrong password says so.
      await page.goto(`${base}/`);
      await page.locator('form.login').waitFor({ timeout: 30_000 });
      await shootBothWidths(page, 'login');
      await page.setViewportSize({ width: 1920, height: 1080 });
      await logIn(page, 'admin', 'not-the-password');
      assert.match(await page.getByRole('alert').innerText({ timeout: 15_000 }), /Wrong user name or password/);
      assert.equal(await page.locator('.topbar').count(), 0);

      // The admin: the overview, then the Users page listing everyone.
      await logIn(page, 'admin', PASSWORDS.admin);
      await page.locator('main.content h1', { hasText: 'Overview' }).waitFor({ timeout: 30_000 });
      await page.locator('.mainnav a', { hasText: 'Users' }).click();
      await page.waitForURL(/\/users$/);
      for (const name of ['admin', 'eddie', 'vera']) await page.locator(`tr[data-user="${name}"]`).waitFor({ timeout: 15_000 });
      assert.match(await page.locator('tr[data-user="eddie"]').innerText(), /editor/);
      assert.ok((await page.locator('[data-change]').count()) > 0, 'the admin sees controls that change state');

      // The admin creates a user from the UI; the API then knows it.
      const form = page.getByRole('form', { name: 'Add a user' });
      await form.locator('input[name=name]').fill('newbie');
      await form.locator('select').selectOption('editor');
      await form.locator('input[name=password]').fill('newbie-password-1');
      await form.getByRole('button', { name: 'Add user' }).click();
      await page.locator('tr[data-user="newbie"]').waitFor({ timeout: 15_000 });
      const users = JSON.parse((await v.api('/api/v1/users')).body) as { users: { name: string; role: string }[] };
      assert.deepEqual(users.users.find((u) => u.name === 'newbie'), { ...users.users.find((u) => u.name === 'newbie'), role: 'editor' });
      // A token created from the UI: its secret is shown once and works; revoking it from the UI ends it.
      const tokenForm = page.getByRole('form', { name: 'Create a token' });
      await tokenForm.locator('input[name=token-name]').fill('grafana');
      await tokenForm.getByRole('button', { name: 'Create token' }).click();
      const secret = (await page.locator('[data-secret]').innerText({ timeout: 15_000 })).trim();
      assert.match(secret, /^vigie_/);
      const withSecret = (): Promise<number> => fetch(`${base}/api/v1/query?query=up`, { headers: { Authorization: `Bearer ${secret}` } }).then((r) => r.status);
      assert.equal(await withSecret(), 200);
      await page.locator('tr[data-token="grafana"]').getByRole('button', { name: 'Revoke…' }).click();
      await page.locator('tr[data-token="grafana"]').getByRole('button', { name: 'Yes, revoke' }).click();
      await page.locator('tr[data-token="grafana"]').waitFor({ state: 'detached', timeout: 15_000 });
      assert.equal(await withSecret(), 401);
      await settle(page);
      await shootBothWidths(page, 'users');
      await page.setViewportSize({ width: 1920, height: 1080 });

      // Log out: back to the login page, and this browser's cookies no longer open the API.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.locator('form.login').waitFor({ timeout: 15_000 });
      assert.equal((await context.request.get(`${base}/api/v1/users`)).status(), 401);
      assert.equal((await context.request.get(`${base}/api/v1/query?query=up`)).status(), 401);

      // The viewer: every page without a single state-changing control, no Users link.
      // (The browser is still at /users: logging in keeps the address, and a viewer gets no user list there.)
      await logIn(page, 'vera', PASSWORDS.vera);
      await page.locator('main.content h1', { hasText: 'Users' }).waitFor({ timeout: 30_000 });
      assert.match(await page.locator('main.content').innerText(), /Only administrators/);
      const pages = ['/', '/hosts', `/hosts/${encodeURIComponent(hostname())}`, '/probes', '/alerts', '/explore', '/dashboards', '/status'];
      for (const path of pages) {
        await page.goto(`${base}${path}`);
        await heading.waitFor({ timeout: 30_000 });
        await settle(page);
        assert.equal(await page.locator('form.login').count(), 0, `${path}: still logged in`);
        assert.equal(await page.locator('[data-change]').count(), 0, `${path}: a viewer sees a state-changing control`);
        assert.equal(await page.locator('.mainnav a', { hasText: 'Users' }).count(), 0, `${path}: a viewer sees the Users link`);
      }
      await page.goto(`${base}/users`);
      await heading.waitFor({ timeout: 30_000 });
      await settle(page);
      assert.equal(await page.locator('[data-change]').count(), 0, '/users: a viewer sees a state-changing control');
      // Changes sent from the page anyway are refused, with or without the CSRF token.
      const silence = { matchers: [{ name: 'job', value: 'x', isRegex: false }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), createdBy: 'vera', comment: 'e2e' };
      for (const withCsrf of [true, false]) {
        const status = await pageFetch(page, 'POST', '/api/v2/silences', silence, withCsrf);
        assert.ok(status === 403 || status === 401, `viewer POST /api/v2/silences (csrf ${withCsrf}) answered ${status}`);
        const dash = await pageFetch(page, 'POST', '/api/v1/dashboards', { dashboard: { title: 'by vera' } }, withCsrf);
        assert.ok(dash === 403 || dash === 401, `viewer POST /api/v1/dashboards (csrf ${withCsrf}) answered ${dash}`);
      }
      assert.deepEqual(JSON.parse((await v.api('/api/v2/silences')).body), [], 'no silence was created');

      // The editor may change what editors change: a dashboard saved from the page (with the CSRF token).
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.locator('form.login').waitFor({ timeout: 15_000 });
      await logIn(page, 'eddie', PASSWORDS.eddie);
      await page.locator('.topbar').waitFor({ timeout: 30_000 });
      assert.equal(await pageFetch(page, 'POST', '/api/v1/dashboards', { dashboard: { title: 'by eddie' } }, false), 403, 'no CSRF token: refused');
      assert.equal(await pageFetch(page, 'POST', '/api/v1/dashboards', { dashboard: { title: 'by eddie' } }, true), 200);
      const list = JSON.parse((await v.api('/api/v1/dashboards')).body) as { data: { title: string; updatedBy: string }[] };
      assert.deepEqual(list.data.map((d) => [d.title, d.updatedBy]), [['by eddie', 'eddie']]);
      assert.equal(await page.locator('.mainnav a', { hasText: 'Users' }).count(), 0, 'an editor sees no Users link');

      assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
    } catch (e) {
      if (vigie !== undefined) t.diagnostic(`server log tail: ${vigie.logs.join('').slice(-3000)}`);
      throw e;
    } finally {
      await browser?.close();
      await vigie?.stop();
    }
  });
});
