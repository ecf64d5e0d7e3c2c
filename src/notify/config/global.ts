import { z } from 'zod';
import { durationMs, filePath, httpConfigSchema, tlsConfigSchema, urlString } from './fields.js';
import { hostPortSchema } from './receivers.js';

/** Alertmanager's `global:` block; defaults as Alertmanager's DefaultGlobalConfig. */
export const globalSchema = z.strictObject({
  /** ms; an alert without endsAt resolves this long after its last update. */
  resolve_timeout: durationMs.default(5 * 60_000),
  http_config: httpConfigSchema.prefault({}),
  smtp_from: z.string().optional(),
  smtp_hello: z.string().default('localhost'),
  smtp_smarthost: z.union([z.literal(''), hostPortSchema]).optional(),
  smtp_auth_username: z.string().optional(),
  smtp_auth_password: z.string().optional(),
  smtp_auth_password_file: filePath.optional(),
  smtp_auth_secret: z.string().optional(),
  smtp_auth_secret_file: filePath.optional(),
  smtp_auth_identity: z.string().optional(),
  smtp_require_tls: z.boolean().default(true),
  smtp_tls_config: tlsConfigSchema.optional(),
  smtp_force_implicit_tls: z.boolean().optional(),
  slack_api_url: urlString.optional(),
  slack_api_url_file: filePath.optional(),
  slack_app_token: z.string().optional(),
  slack_app_token_file: filePath.optional(),
  slack_app_url: urlString.default('https://slack.com/api/chat.postMessage'),
  pagerduty_url: urlString.default('https://events.pagerduty.com/v2/enqueue'),
  opsgenie_api_url: urlString.default('https://api.opsgenie.com/'),
  opsgenie_api_key: z.string().optional(),
  opsgenie_api_key_file: filePath.optional(),
  wechat_api_url: urlString.default('https://qyapi.weixin.qq.com/cgi-bin/'),
  wechat_api_secret: z.string().optional(),
  wechat_api_secret_file: filePath.optional(),
  wechat_api_corp_id: z.string().optional(),
  victorops_api_url: urlString.default('https://alert.victorops.com/integrations/generic/20131114/alert/'),
  victorops_api_key: z.string().optional(),
  victorops_api_key_file: filePath.optional(),
  telegram_api_url: urlString.default('https://api.telegram.org'),
  telegram_bot_token: z.string().optional(),
  telegram_bot_token_file: filePath.optional(),
  webex_api_url: urlString.default('https://webexapis.com/v1/messages'),
  jira_api_url: urlString.optional(),
  rocketchat_api_url: urlString.default('https://open.rocket.chat/'),
  rocketchat_token: z.string().optional(),
  rocketchat_token_file: filePath.optional(),
  rocketchat_token_id: z.string().optional(),
  rocketchat_token_id_file: filePath.optional(),
  mattermost_webhook_url: urlString.optional(),
  mattermost_webhook_url_file: filePath.optional(),
});
export type GlobalAlertingConfig = z.output<typeof globalSchema>;

/** Pairs of global keys of which at most one may be set (Alertmanager's "at most one of X & X_file"). */
export const GLOBAL_EXCLUSIVE_PAIRS: readonly (readonly [keyof GlobalAlertingConfig, keyof GlobalAlertingConfig])[] = [
  ['slack_app_token', 'slack_app_token_file'],
  ['slack_api_url', 'slack_api_url_file'],
  ['opsgenie_api_key', 'opsgenie_api_key_file'],
  ['victorops_api_key', 'victorops_api_key_file'],
  ['telegram_bot_token', 'telegram_bot_token_file'],
  ['smtp_auth_password', 'smtp_auth_password_file'],
  ['rocketchat_token', 'rocketchat_token_file'],
  ['rocketchat_token_id', 'rocketchat_token_id_file'],
  ['smtp_auth_secret', 'smtp_auth_secret_file'],
  ['wechat_api_secret', 'wechat_api_secret_file'],
  ['mattermost_webhook_url', 'mattermost_webhook_url_file'],
];
