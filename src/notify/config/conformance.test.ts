// Alertmanager's own config test files (../shared/conformance/alertmanager, read at run time):
// which load and which are rejected, as prometheus/alertmanager's config/config_test.go asserts,
// and the same verdict as the real `amtool check-config` (Debian's 0.25) where that version
// knows the keys involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { AlertingConfigError, parseAlertingConfig } from './schema.js';

function conformanceDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const d = join(dir, '..', 'shared', 'conformance', 'alertmanager');
  return existsSync(d) ? d : undefined;
}
const DIR = conformanceDir();
const skip = DIR === undefined ? 'LOUD: conformance data not found at ../shared/conformance/alertmanager' : false;

/** Files config_test.go loads without error; every other file there must be rejected. */
const GOOD = new Set([
  'config-testdata/conf.empty-fields.yml',
  'config-testdata/conf.good.yml',
  'config-testdata/conf.group-by-all.yml',
  'config-testdata/conf.http-config.good.yml',
  'config-testdata/conf.mattermost-default-webhook-url-file.yml',
  'config-testdata/conf.mattermost-default-webhook-url.yml',
  'config-testdata/conf.opsgenie-default-apikey-file.yml',
  'config-testdata/conf.opsgenie-default-apikey.yml',
  'config-testdata/conf.rocketchat-default-token-file.yml',
  'config-testdata/conf.rocketchat-default-token.yml',
  'config-testdata/conf.slack-default-api-url-file.yml',
  'config-testdata/conf.slack-default-app-token.yml',
  'config-testdata/conf.smtp-no-username-or-password.yml',
  'config-testdata/conf.smtp-password-global-and-local.yml',
  'config-testdata/conf.sns-topic-arn.yml',
  'config-testdata/conf.telegram-default-bot-token-file.yml',
  'config-testdata/conf.telegram-default-bot-token.yml',
  'config-testdata/conf.victorops-default-apikey-file.yml',
  'config-testdata/conf.victorops-default-apikey.yml',
  'config-testdata/conf.wechat-default-api-secret-file.yml',
  'cli-testdata/conf.good.yml',
  'cli-testdata/conf.routing.yml',
  'cli-testdata/conf.routing-reverted.yml',
]);

/** Expected message fragment of each rejected file (config_test.go's, or the key at fault). */
const BAD_MESSAGE: Readonly<Record<string, string>> = {
  'cli-testdata/conf.bad.yml': 'expected a map',
  'config-testdata/conf.mattermost-both-webhook-url-and-file.yml': 'at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured',
  'config-testdata/conf.mattermost-valid-receiver-both-webhook-url-and-file.yml': 'at most one of mattermost_webhook_url & mattermost_webhook_url_file must be configured',
  'config-testdata/conf.mattermost-no-webhook-url.yml': 'missing webhook_url or webhook_url_file on mattermost_config',
  'config-testdata/conf.nil-match_re-route.yml': 'invalid_label',
  'config-testdata/conf.nil-source_match_re-inhibition.yml': 'invalid_source_label',
  'config-testdata/conf.nil-target_match_re-inhibition.yml': 'invalid_target_label',
  'config-testdata/conf.opsgenie-both-file-and-apikey.yml': 'at most one of opsgenie_api_key & opsgenie_api_key_file must be configured',
  'config-testdata/conf.opsgenie-default-apikey-old-team.yml': 'teams',
  'config-testdata/conf.opsgenie-no-apikey.yml': 'no global OpsGenie API Key set either inline or in a file',
  'config-testdata/conf.rocketchat-both-token-and-tokenfile.yml': 'at most one of rocketchat_token & rocketchat_token_file must be configured',
  'config-testdata/conf.rocketchat-both-tokenid-and-tokenidfile.yml': 'at most one of rocketchat_token_id & rocketchat_token_id_file must be configured',
  'config-testdata/conf.rocketchat-no-token.yml': 'no global Rocketchat Token set either inline or in a file',
  'config-testdata/conf.slack-both-file-and-token.yml': 'at most one of slack_app_token & slack_app_token_file must be configured',
  'config-testdata/conf.slack-both-file-and-url.yml': 'at most one of slack_api_url & slack_api_url_file must be configured',
  'config-testdata/conf.slack-both-url-and-token.yml': 'at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured',
  'config-testdata/conf.slack-no-api-url-or-token.yml': 'no Slack API URL nor App token set either inline or in a file',
  'config-testdata/conf.slack-update-message-and-webhook.yml': 'update_message can only be used with bot tokens',
  'config-testdata/conf.smtp-both-password-and-file.yml': 'at most one of smtp_auth_password & smtp_auth_password_file must be configured',
  'config-testdata/conf.sns-invalid.yml': 'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config',
  'config-testdata/conf.telegram-both-bot-token-and-file.yml': 'at most one of telegram_bot_token & telegram_bot_token_file must be configured',
  'config-testdata/conf.telegram-valid-receiver-both-bot-token-and-file.yml': 'at most one of telegram_bot_token & telegram_bot_token_file must be configured',
  'config-testdata/conf.telegram-no-bot-token.yml': 'missing bot_token or bot_token_file on telegram_config',
  'config-testdata/conf.victorops-both-file-and-apikey.yml': 'at most one of victorops_api_key & victorops_api_key_file must be configured',
  'config-testdata/conf.victorops-no-apikey.yml': 'no global VictorOps API Key set',
  'config-testdata/conf.wechat-both-file-and-secret.yml': 'at most one of wechat_api_secret & wechat_api_secret_file must be configured',
  'config-testdata/conf.wechat-no-api-secret.yml': 'no global Wechat Api Secret set either inline or in a file',
};

/**
 * Files the current Alertmanager accepts but Debian's amtool 0.25 rejects because the keys
 * came later (mattermost, rocketchat globals, Slack app tokens, telegram/wechat global
 * secrets): amtool's message must name the unknown field.
 */
const NEWER_THAN_AMTOOL: Readonly<Record<string, RegExp>> = {
  'config-testdata/conf.mattermost-default-webhook-url-file.yml': /field mattermost_webhook_url_file not found/,
  'config-testdata/conf.mattermost-default-webhook-url.yml': /field mattermost_webhook_url not found/,
  'config-testdata/conf.rocketchat-default-token-file.yml': /field rocketchat_token_file not found/,
  'config-testdata/conf.rocketchat-default-token.yml': /field rocketchat_token not found/,
  'config-testdata/conf.slack-default-app-token.yml': /field slack_app_token not found/,
  // 0.25 did not inherit the global bot token into telegram_configs.
  'config-testdata/conf.telegram-default-bot-token-file.yml': /missing bot_token on telegram_config/,
  'config-testdata/conf.telegram-default-bot-token.yml': /missing bot_token on telegram_config/,
  'config-testdata/conf.wechat-default-api-secret-file.yml': /field wechat_api_secret_file not found/,
  'config-testdata/conf.smtp-password-global-and-local.yml': /field smtp_auth_secret_file not found/,
};

function files(): string[] {
  if (DIR === undefined) return [];
  return ['config-testdata', 'cli-testdata'].flatMap((d) => readdirSync(join(DIR, d)).filter((f) => f.endsWith('.yml')).sort().map((f) => `${d}/${f}`));
}

function vigieVerdict(rel: string): { ok: boolean; message: string } {
  const text = readFileSync(join(DIR ?? '', rel), 'utf8');
  try {
    parseAlertingConfig(parseYaml(text));
    return { ok: true, message: '' };
  } catch (err) {
    assert.ok(err instanceof AlertingConfigError, `${rel}: expected AlertingConfigError, got ${String(err)}`);
    return { ok: false, message: err.message };
  }
}

function amtool(file: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/amtool', ['check-config', file], { timeout: 60_000 }, (err, stdout, stderr) => resolve({ ok: err === null, output: stdout + stderr }));
  });
}

test('every Alertmanager config test file loads or is rejected as config_test.go says, with its message', { skip }, () => {
  const all = files();
  assert.ok(all.length >= 45, `expected the 50 conformance files, found ${all.length}`);
  for (const rel of all) {
    const v = vigieVerdict(rel);
    if (GOOD.has(rel)) {
      assert.equal(v.ok, true, `${rel} must load, got: ${v.message}`);
    } else {
      assert.equal(v.ok, false, `${rel} must be rejected`);
      const want = BAD_MESSAGE[rel];
      assert.ok(want !== undefined, `${rel}: no expected message listed`);
      assert.ok(v.message.includes(want), `${rel}: expected a message containing ${JSON.stringify(want)}, got: ${v.message}`);
    }
  }
});

test('Vigie agrees with the real amtool check-config on every file', { skip: skip || (existsSync('/usr/bin/amtool') ? false : 'LOUD: /usr/bin/amtool missing (Debian prometheus-alertmanager)'), timeout: 300_000 }, async () => {
  let compared = 0;
  for (const rel of files()) {
    const am = await amtool(join(DIR ?? '', rel));
    const v = vigieVerdict(rel);
    const newer = NEWER_THAN_AMTOOL[rel];
    if (newer !== undefined) {
      assert.equal(am.ok, false, `${rel}: amtool 0.25 was expected to reject newer keys`);
      assert.match(am.output, newer, `${rel}: amtool rejected it for another reason`);
      assert.equal(v.ok, true, `${rel}: newer Alertmanager accepts it`);
      continue;
    }
    assert.equal(v.ok, am.ok, `${rel}: amtool says ${am.ok ? 'good' : 'bad'} (${am.output.trim()}), Vigie says ${v.ok ? 'good' : `bad (${v.message})`}`);
    compared++;
  }
  assert.ok(compared >= 40, `compared ${compared} files`);
});
