import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../common/index.js';
import { openStateDb } from '../../state/index.js';
import { parseAlertingConfig } from '../config/index.js';
import { Silences } from '../silences/index.js';
import type { Alert, Notification } from '../types.js';
import { fingerprint } from './fingerprint.js';
import { AlertRouter } from './router.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday, 12:00 UTC
const S = 1000;
const M = 60 * S;

function setup(yaml: Record<string, unknown>, withSilences = false) {
  const clock = new ManualClock(T0);
  const sent: Notification[] = [];
  const db = withSilences ? openStateDb(':memory:') : undefined;
  const silences = db === undefined ? undefined : new Silences({ db, clock });
  const router = new AlertRouter({ config: parseAlertingConfig(yaml), clock, notify: (n) => sent.push(n), silences });
  const step = (ms: number): void => {
    clock.advance(ms);
    router.tick();
  };
  return { clock, sent, router, step, silences };
}

// Firing alerts carry an explicit endsAt an hour ahead, as Prometheus sends them.
const alert = (labels: Record<string, string>, startsAt = T0, endsAt = T0 + 24 * 3600_000): Alert => ({ labels, annotations: { summary: 's' }, startsAt, endsAt, generatorURL: 'http://x/graph' });

const basic = {
  route: { receiver: 'team', group_by: ['alertname'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
  receivers: [{ name: 'team', webhook_configs: [{ url: 'http://127.0.0.1:1/hook' }] }],
};

test('fingerprint is Alertmanager\'s FNV-1a over sorted labels', () => {
  // prometheus/common model: an empty label set hashes to the FNV-64a offset basis.
  assert.equal(fingerprint({}), 'cbf29ce484222325');
  assert.equal(fingerprint({ b: '2', a: '1' }), fingerprint({ a: '1', b: '2' }));
  assert.notEqual(fingerprint({ a: '1b' }), fingerprint({ a1: 'b' }));
  assert.match(fingerprint({ alertname: 'X' }), /^[0-9a-f]{16}$/);
});

test('group_wait before the first notification, group_interval for changes, repeat_interval for unchanged groups', () => {
  const { router, sent, step, clock } = setup(basic);
  router.put([alert({ alertname: 'Disk', instance: 'a' }, clock.now())]);
  step(29 * S);
  assert.equal(sent.length, 0, 'nothing before group_wait');
  step(1 * S);
  assert.equal(sent.length, 1);
  const n = sent[0]!;
  assert.equal(n.groupKey, '{}:{alertname="Disk"}');
  assert.equal(n.receiver, 'team');
  assert.equal(n.status, 'firing');
  assert.deepEqual(n.groupLabels, { alertname: 'Disk' });
  assert.equal(n.alerts[0]!.endsAt, 0);
  assert.equal(n.alerts[0]!.fingerprint, fingerprint({ alertname: 'Disk', instance: 'a' }));

  router.put([alert({ alertname: 'Disk', instance: 'b' }, clock.now())]);
  step(4 * M);
  assert.equal(sent.length, 1, 'a new alert waits for group_interval');
  step(1 * M);
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.alerts.length, 2);
  assert.deepEqual(sent[1]!.commonLabels, { alertname: 'Disk' });

  // Unchanged: nothing until repeat_interval (4h) after the last notification.
  for (let i = 0; i < 47; i++) {
    router.put([alert({ alertname: 'Disk', instance: 'a' }), alert({ alertname: 'Disk', instance: 'b' })]);
    step(5 * M);
  }
  assert.equal(sent.length, 2, 'no repeat before repeat_interval');
  router.put([alert({ alertname: 'Disk', instance: 'a' }), alert({ alertname: 'Disk', instance: 'b' })]);
  step(5 * M);
  assert.equal(sent.length, 3, 'repeat after 4h');
});

test('an alert without endsAt resolves after resolve_timeout and a resolved notification follows (send_resolved)', () => {
  const { router, sent, step, clock } = setup({ ...basic, global: { resolve_timeout: '2m' } });
  router.put([alert({ alertname: 'Api' }, clock.now(), 0)]);
  step(30 * S);
  assert.equal(sent.length, 1);
  step(5 * M);
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.status, 'resolved');
  assert.ok(sent[1]!.alerts[0]!.endsAt > 0);
  step(5 * M);
  assert.equal(sent.length, 2, 'the group is gone after the resolved notification');
  assert.equal(router.groups().length, 0);
});

test('resolved alerts are notified only through receivers with send_resolved; all-resolved groups still clear', () => {
  const { router, sent, step, clock } = setup({ route: { receiver: 'mail', group_by: ['alertname'] }, global: { smtp_smarthost: 'localhost:25', smtp_from: 'a@b.c' }, receivers: [{ name: 'mail', email_configs: [{ to: 'x@y.z' }] }] });
  router.put([alert({ alertname: 'A', i: '1' }, clock.now()), alert({ alertname: 'A', i: '2' }, clock.now())]);
  step(30 * S);
  assert.equal(sent.length, 1);
  router.put([alert({ alertname: 'A', i: '1' }, T0, clock.now())]); // i=1 resolves, i=2 still firing
  router.put([alert({ alertname: 'A', i: '2' })]);
  step(5 * M);
  assert.equal(sent.length, 1, 'email has send_resolved false: a partial resolution is not news');
});

test('route tree: first matching child wins, continue goes on, unmatched alerts stay at the parent', () => {
  const { router, sent, step } = setup({
    route: {
      receiver: 'default',
      group_by: ['alertname'],
      routes: [
        { matchers: ['severity="page"'], receiver: 'pager', continue: true },
        { match: { team: 'db' }, receiver: 'db' },
        { match_re: { team: 'd.*' }, receiver: 'never' },
      ],
    },
    receivers: [{ name: 'default' }, { name: 'pager' }, { name: 'db' }, { name: 'never' }],
  });
  router.put([alert({ alertname: 'X', severity: 'page', team: 'db' }), alert({ alertname: 'Y', team: 'web' })]);
  step(30 * S);
  const by = sent.map((n) => `${n.receiver} ${n.groupKey}`).sort();
  assert.deepEqual(by, ['db {}/{team="db"}:{alertname="X"}', 'default {}:{alertname="Y"}', 'pager {}/{severity="page"}:{alertname="X"}']);
});

test('group_by ... makes one group per label set', () => {
  const { router, sent, step } = setup({ route: { receiver: 'r', group_by: ['...'] }, receivers: [{ name: 'r' }] });
  router.put([alert({ alertname: 'A', i: '1' }), alert({ alertname: 'A', i: '2' })]);
  step(30 * S);
  assert.equal(sent.length, 2);
  assert.ok(sent.some((n) => n.groupKey === '{}:{alertname="A", i="1"}'));
});

test('an old alert in a new group is sent at once, not after group_wait', () => {
  const { router, sent } = setup(basic);
  router.put([alert({ alertname: 'Old' }, T0 - 10 * M)]);
  router.tick();
  assert.equal(sent.length, 1);
});

test('inhibition: a firing critical alert mutes the warning with equal labels, not others', () => {
  const { router, sent, step } = setup({ ...basic, route: { ...basic.route, group_by: ['...'] }, inhibit_rules: [{ source_matchers: ['severity=critical'], target_matchers: ['severity=warning'], equal: ['cluster'] }] });
  router.put([alert({ alertname: 'Hot', severity: 'critical', cluster: 'a' }), alert({ alertname: 'Warm', severity: 'warning', cluster: 'a' }), alert({ alertname: 'Warm', severity: 'warning', cluster: 'b' })]);
  step(30 * S);
  const names = sent.map((n) => `${n.alerts[0]!.labels['alertname']}/${n.alerts[0]!.labels['cluster']}`).sort();
  assert.deepEqual(names, ['Hot/a', 'Warm/b']);
  const warmA = router.alerts().find((v) => v.alert.labels['cluster'] === 'a' && v.alert.labels['alertname'] === 'Warm')!;
  assert.equal(warmA.state, 'suppressed');
  assert.deepEqual(warmA.inhibitedBy, [fingerprint({ alertname: 'Hot', severity: 'critical', cluster: 'a' })]);
});

test('silences mute matching alerts while active', () => {
  const { router, sent, step, silences, clock } = setup(basic, true);
  const id = silences!.set({ matchers: [{ name: 'alertname', value: 'Noisy', isRegex: false, isEqual: true }], startsAt: clock.now(), endsAt: clock.now() + 10 * M, createdBy: 'me', comment: 'maintenance' });
  router.put([alert({ alertname: 'Noisy' }), alert({ alertname: 'Real' })]);
  step(30 * S);
  assert.deepEqual(sent.map((n) => n.groupLabels['alertname']), ['Real']);
  assert.deepEqual(router.alerts().find((v) => v.alert.labels['alertname'] === 'Noisy')!.silencedBy, [id]);
  router.put([alert({ alertname: 'Noisy' }), alert({ alertname: 'Real' })]);
  step(10 * M);
  assert.ok(sent.some((n) => n.groupLabels['alertname'] === 'Noisy'), 'sent once the silence expired');
});

test('mute_time_intervals (with location) and active_time_intervals', () => {
  const cfg = {
    route: {
      receiver: 'r',
      group_by: ['alertname'],
      routes: [
        { matchers: ['kind=night'], receiver: 'r', mute_time_intervals: ['paris-lunch'] },
        { matchers: ['kind=office'], receiver: 'r', active_time_intervals: ['weekend'] },
      ],
    },
    receivers: [{ name: 'r' }],
    time_intervals: [
      { name: 'paris-lunch', time_intervals: [{ times: [{ start_time: '12:30', end_time: '14:00' }], weekdays: ['monday:friday'], location: 'Europe/Paris' }] },
      { name: 'weekend', time_intervals: [{ weekdays: ['saturday', 'sunday'] }] },
    ],
  };
  const { router, sent, step } = setup(cfg);
  // T0 is Monday 12:00 UTC = 13:00 in Paris (winter): inside paris-lunch; not a weekend.
  router.put([alert({ alertname: 'A', kind: 'night' }), alert({ alertname: 'B', kind: 'office' })]);
  step(30 * S);
  assert.equal(sent.length, 0);
  assert.deepEqual(router.alerts().find((v) => v.alert.labels['alertname'] === 'A')!.mutedBy, ['paris-lunch']);
  router.put([alert({ alertname: 'A', kind: 'night' }), alert({ alertname: 'B', kind: 'office' })]);
  step(60 * M + 30 * S); // 14:00:30 Paris
  assert.deepEqual(sent.map((n) => n.groupLabels['alertname']), ['A']);
});

test('applyConfig re-routes alerts and does not resend what was already sent', () => {
  const { router, sent, step } = setup(basic);
  router.put([alert({ alertname: 'A' })]);
  step(30 * S);
  assert.equal(sent.length, 1);
  router.applyConfig(parseAlertingConfig(basic));
  router.put([alert({ alertname: 'A' })]);
  step(30 * S);
  assert.equal(sent.length, 1);
  router.applyConfig(parseAlertingConfig({ ...basic, route: { ...basic.route, receiver: 'other' }, receivers: [{ name: 'other' }] }));
  step(30 * S);
  assert.equal(sent.length, 2);
  assert.equal(sent[1]!.receiver, 'other');
});

test('updates merge as in Alertmanager: earliest start kept, a firing update cannot shorten an explicit end', () => {
  const { router, clock } = setup(basic);
  router.put([alert({ alertname: 'M' }, T0, T0 + 60 * M)]);
  clock.advance(M);
  router.put([alert({ alertname: 'M' }, T0 + M, T0 + 10 * M)]);
  let a = router.alerts()[0]!.alert;
  assert.equal(a.startsAt, T0);
  assert.equal(a.endsAt, T0 + 60 * M);
  router.put([alert({ alertname: 'M' }, T0 + M, T0 + M - 1)]); // resolved in the past: wins
  a = router.alerts()[0]!.alert;
  assert.equal(a.endsAt, T0 + M - 1);
  assert.equal(router.alerts()[0]!.resolved, true);
});

test('the notification log survives a restart: a restarted router does not resend an unchanged group', () => {
  const db = openStateDb(':memory:');
  const clock = new ManualClock(T0);
  const sent: Notification[] = [];
  const make = (): AlertRouter => new AlertRouter({ config: parseAlertingConfig(basic), clock, notify: (n) => sent.push(n), db });
  const r1 = make();
  r1.put([alert({ alertname: 'A' })]);
  clock.advance(30 * S);
  r1.tick();
  assert.equal(sent.length, 1);
  const r2 = make();
  r2.put([alert({ alertname: 'A' })]);
  clock.advance(30 * S);
  r2.tick();
  assert.equal(sent.length, 1, 'already notified before the restart');
  r2.put([alert({ alertname: 'A' }), alert({ alertname: 'A', instance: 'new' })]);
  clock.advance(5 * M);
  r2.tick();
  assert.equal(sent.length, 2, 'a change is still notified');
  db.close();
});
