import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertingConfigError, parseAlertingConfig } from './schema.js';

const reject = (cfg: unknown, re: RegExp): void => {
  assert.throws(() => parseAlertingConfig(cfg), (e: unknown) => e instanceof AlertingConfigError && re.test(e.message), `expected ${String(re)}`);
};
const minimal = { route: { receiver: 'r' }, receivers: [{ name: 'r' }] };

test('an empty section routes everything to a "default" receiver; Vigie keys have defaults', () => {
  const c = parseAlertingConfig(undefined);
  assert.equal(c.route.receiver, 'default');
  assert.deepEqual(c.receivers, [{ name: 'default' }]);
  assert.equal(c.history_retention, 90 * 86_400_000);
  assert.equal(c.global.resolve_timeout, 5 * 60_000);
  assert.deepEqual(c.alertmanagers, []);
  assert.equal(c.external_url, '');
});

test('route settings are inherited, with Alertmanager defaults 30s / 5m / 4h', () => {
  const c = parseAlertingConfig({
    route: { receiver: 'r', group_by: ['alertname'], repeat_interval: '1h', routes: [{ matchers: ['a=b'], group_wait: '10s', routes: [{ match: { c: 'd' }, receiver: 's', group_by: ['...'] }] }] },
    receivers: [{ name: 'r' }, { name: 's' }],
  });
  assert.equal(c.route.group_wait, 30_000);
  assert.equal(c.route.group_interval, 300_000);
  assert.equal(c.route.repeat_interval, 3_600_000);
  const child = c.route.routes[0]!;
  assert.equal(child.receiver, 'r');
  assert.deepEqual(child.group_by, ['alertname']);
  assert.equal(child.group_wait, 10_000);
  const grand = child.routes[0]!;
  assert.equal(grand.receiver, 's');
  assert.equal(grand.group_by_all, true);
  assert.equal(grand.group_wait, 10_000);
  assert.equal(grand.repeat_interval, 3_600_000);
});

test('global defaults flow into receivers; send_resolved defaults per integration', () => {
  const c = parseAlertingConfig({
    global: { smtp_smarthost: 'mail:587', smtp_from: 'vigie@example.org', smtp_auth_username: 'u', smtp_auth_password: 'p', slack_api_url: 'https://hooks.slack.com/x' },
    route: { receiver: 'r' },
    receivers: [
      {
        name: 'r',
        email_configs: [{ to: 'a@b.c' }, { to: 'd@e.f', from: 'other@x.y', auth_password_file: '/run/pw' }],
        slack_configs: [{ channel: '#c' }],
        webhook_configs: [{ url: 'http://127.0.0.1:9/hook' }],
        pagerduty_configs: [{ routing_key: 'k' }],
        telegram_configs: [{ chat_id: 42, bot_token: 't' }],
        ntfy_configs: [{ topic: 'alerts' }],
        gotify_configs: [{ url: 'https://gotify.example.org', token: 'app' }],
      },
    ],
  });
  const r = c.receivers[0]!;
  const [e1, e2] = r.email_configs!;
  assert.equal(e1!.from, 'vigie@example.org');
  assert.deepEqual(e1!.smarthost, { host: 'mail', port: 587 });
  assert.equal(e1!.hello, 'localhost');
  assert.equal(e1!.require_tls, true);
  assert.equal(e1!.auth_password, 'p');
  assert.equal(e1!.send_resolved, false);
  assert.equal(e2!.from, 'other@x.y');
  assert.equal(e2!.auth_password, undefined, 'a local password file replaces the global password');
  assert.equal(e2!.auth_password_file, '/run/pw');
  assert.equal(r.slack_configs![0]!.api_url, 'https://hooks.slack.com/x');
  assert.equal(r.slack_configs![0]!.send_resolved, false);
  assert.equal(r.webhook_configs![0]!.send_resolved, true);
  assert.equal(r.pagerduty_configs![0]!.url, 'https://events.pagerduty.com/v2/enqueue');
  assert.equal(r.telegram_configs![0]!.api_url, 'https://api.telegram.org');
  assert.equal(r.telegram_configs![0]!.parse_mode, 'HTML');
  assert.equal(r.ntfy_configs![0]!.url, 'https://ntfy.sh');
  assert.equal(r.gotify_configs![0]!.priority, 5);
  assert.equal(r.webhook_configs![0]!.http_config!.follow_redirects, true, 'global http_config inherited');
});

test('Alertmanager validation rules, each with a message naming the key', () => {
  reject({ ...minimal, receivers: [{ name: 'r' }, { name: 'r' }] }, /receivers\[1\]\.name: notification config name "r" is not unique/);
  reject({ route: { receiver: 'nope' }, receivers: [{ name: 'r' }] }, /route\.receiver: undefined receiver "nope" used in route/);
  reject({ route: {}, receivers: [{ name: 'r' }] }, /root route must specify a default receiver/);
  reject({ route: { receiver: 'r', matchers: ['a=b'] }, receivers: [{ name: 'r' }] }, /root route must not have any matchers/);
  reject({ route: { receiver: 'r', continue: true }, receivers: [{ name: 'r' }] }, /cannot have continue in root route/);
  reject({ receivers: [{ name: 'r' }] }, /no routes provided/);
  reject({ route: { receiver: 'r', routes: [{ mute_time_intervals: ['x'] }] }, receivers: [{ name: 'r' }] }, /route\.routes\[0\]: undefined time interval "x" used in route/);
  reject({ route: { receiver: 'r', group_by: ['...', 'a'] }, receivers: [{ name: 'r' }] }, /wildcard group_by/);
  reject({ route: { receiver: 'r', group_by: ['a', 'a'] }, receivers: [{ name: 'r' }] }, /duplicated label "a" in group_by/);
  reject({ route: { receiver: 'r', group_interval: '0s' }, receivers: [{ name: 'r' }] }, /group_interval cannot be zero/);
  reject({ route: { receiver: 'r', group_wait: 'soon' }, receivers: [{ name: 'r' }] }, /route\.group_wait: expected a duration like 30s/);
  reject({ route: { receiver: 'r', routes: [{ matchers: ['a=~"("'] }] }, receivers: [{ name: 'r' }] }, /route\.routes\[0\]\.matchers\[0\]: bad matcher/);
  reject({ ...minimal, recievers: [] }, /recievers/);
  reject({ ...minimal, receivers: [{ name: 'r', email_configs: [{ to: 'a@b' }] }] }, /receivers\[0\]\.email_configs\[0\]\.smarthost: no global SMTP smarthost set/);
  reject({ ...minimal, receivers: [{ name: 'r', webhook_configs: [{}] }] }, /one of url or url_file must be configured/);
  reject({ ...minimal, receivers: [{ name: 'r', webhook_configs: [{ url: 'ftp://x/y' }] }] }, /unsupported scheme "ftp"/);
  reject({ ...minimal, receivers: [{ name: 'r', webhook_configs: [{ url: 'http://a/b', url_file: '/f' }] }] }, /at most one of url & url_file/);
  reject({ ...minimal, receivers: [{ name: 'r', pagerduty_configs: [{}] }] }, /missing service or routing key in PagerDuty config/);
  reject({ ...minimal, receivers: [{ name: 'r', webhook_configs: [null] }] }, /missing webhook config/);
  reject({ ...minimal, receivers: [{ name: 'r', slack_configs: [{ api_url: 'https://x/y', http_config: { basic_auth: { username: 'a' }, authorization: { credentials: 'b' } } }] }] }, /at most one of basic_auth, oauth2/);
  reject({ ...minimal, receivers: [{ name: 'r', gotify_configs: [{ url: 'https://g' }] }] }, /one of token or token_file must be configured/);
  reject({ ...minimal, time_intervals: [{ name: 't', time_intervals: [{ times: [{ start_time: '18:00', end_time: '09:00' }] }] }] }, /start_time cannot be equal or greater than end_time/);
  reject({ ...minimal, time_intervals: [{ name: 't', time_intervals: [{ weekdays: ['funday'] }] }] }, /invalid weekday "funday"/);
  reject({ ...minimal, time_intervals: [{ name: 't', time_intervals: [{ location: 'Mars/Olympus' }] }] }, /unknown time zone location "Mars\/Olympus"/);
  reject({ ...minimal, time_intervals: [{ name: 't', time_intervals: [{ days_of_month: ['0'] }] }] }, /days must be within/);
  reject({ ...minimal, time_intervals: [{ name: 't' }], mute_time_intervals: [{ name: 't' }] }, /time interval "t" is not unique/);
  reject({ ...minimal, alertmanagers: [{ static_configs: [{ targets: ['http://am:9093'] }] }] }, /alertmanagers\[0\]\.static_configs\[0\]\.targets\[0\]: expected host:port/);
  reject({ ...minimal, alertmanagers: [{ api_version: 'v1' }] }, /api_version must be "v2"/);
  reject({ ...minimal, history_retention: 'forever' }, /history_retention: expected a duration/);
  reject('route: x', /expected a map of settings/);
  reject([1, 2], /expected a map of settings/);
});

test('time intervals, inhibit rules and alertmanagers are parsed', () => {
  const c = parseAlertingConfig({
    ...minimal,
    time_intervals: [{ name: 'biz', time_intervals: [{ times: [{ start_time: '09:00', end_time: '17:30' }], weekdays: ['monday:friday'], days_of_month: ['1:7', '-1'], months: ['january:march', '12'], years: ['2026:2027'], location: 'Europe/Paris' }] }],
    inhibit_rules: [{ source_match: { severity: 'critical' }, target_match_re: { severity: 'warning|info' }, target_matchers: ['team!=db'], equal: ['cluster'] }],
    alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:9093'] }], scheme: 'https', path_prefix: '/am', timeout: '5s', basic_auth: { username: 'u', password: 'p' } }],
  });
  const p = c.time_intervals[0]!.time_intervals[0]!;
  assert.deepEqual(p.times, [{ startMinute: 540, endMinute: 1050 }]);
  assert.deepEqual(p.weekdays, [{ start: 1, end: 5 }]);
  assert.deepEqual(p.days_of_month, [{ start: 1, end: 7 }, { start: -1, end: -1 }]);
  assert.deepEqual(p.months, [{ start: 1, end: 3 }, { start: 12, end: 12 }]);
  assert.equal(p.location, 'Europe/Paris');
  const ir = c.inhibit_rules[0]!;
  assert.deepEqual(ir.source_matchers.map(String), ['severity="critical"']);
  assert.deepEqual(ir.target_matchers.map(String), ['severity=~"^(?:warning|info)$"', 'team!="db"']);
  const am = c.alertmanagers[0]!;
  assert.deepEqual([am.targets, am.scheme, am.path_prefix, am.timeout, am.api_version], [['127.0.0.1:9093'], 'https', '/am', 5000, 'v2']);
  assert.equal(am.http_config.basic_auth?.username, 'u');
});

test('hostile input: random structures of known keys give AlertingConfigError, never a crash', () => {
  const keys = ['route', 'receiver', 'routes', 'matchers', 'match', 'match_re', 'group_by', 'receivers', 'name', 'email_configs', 'webhook_configs', 'url', 'to', 'slack_configs', 'api_url', 'global', 'smtp_smarthost', 'time_intervals', 'times', 'weekdays', 'inhibit_rules', 'equal', 'alertmanagers', 'static_configs', 'targets', 'http_config', 'tls_config', 'basic_auth'];
  const leaves: unknown[] = ['', 'x', '...', 'a=~"("', '{a="b"', 'http://x', '30s', '-1', 0, 1.5, -3, true, null, [], {}, '\u0000', 'monday:sunday', '25:00'];
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const gen = (depth: number): unknown => {
    if (depth === 0 || rnd(4) === 0) return leaves[rnd(leaves.length)];
    if (rnd(3) === 0) return Array.from({ length: rnd(3) }, () => gen(depth - 1));
    return Object.fromEntries(Array.from({ length: 1 + rnd(3) }, () => [keys[rnd(keys.length)]!, gen(depth - 1)]));
  };
  for (let i = 0; i < 2000; i++) {
    const v = gen(5);
    try {
      parseAlertingConfig(v);
    } catch (e) {
      assert.ok(e instanceof AlertingConfigError, `${JSON.stringify(v)}: ${String(e)}`);
      assert.ok(e.issues.length > 0 && e.issues.every((m) => m.length > 0));
    }
  }
});
