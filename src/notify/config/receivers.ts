import { z } from 'zod';
import { durationMs, filePath, httpConfigSchema, tlsConfigSchema, urlString } from './fields.js';
import {
  opsgenieConfigSchema,
  victoropsConfigSchema,
  pushoverConfigSchema,
  wechatConfigSchema,
  snsConfigSchema,
  webexConfigSchema,
  jiraConfigSchema,
  rocketchatConfigSchema,
  mattermostConfigSchema,
  incidentioConfigSchema,
  type OpsgenieConfig,
  type VictoropsConfig,
  type PushoverConfig,
  type WechatConfig,
  type SnsConfig,
  type WebexConfig,
  type JiraConfig,
  type RocketchatConfig,
  type MattermostConfig,
  type IncidentioConfig,
} from './receivers-more.js';

/**
 * The receiver shapes of `alerting.receivers` (Alertmanager's `*_configs`, plus Vigie's
 * `ntfy_configs` and `gotify_configs`). Each `XxxConfig` type is what a sender gets AFTER
 * loading: global defaults are filled in (smtp_from into email `from`, slack_api_url into
 * slack `api_url`, …) and `send_resolved` has its per-integration default.
 *
 * Conventions for senders:
 * - Text fields are Go-template text as in Alertmanager; an absent field means "the
 *   integration's default template" (Alertmanager's `{{ template "slack.default.title" . }}` …).
 * - A secret is given either inline (`x`) or as a file (`x_file`, read at send time, trimmed
 *   of one trailing newline), never both (checked at load).
 * - Durations are ms.
 */

const sendResolved = (dflt: boolean) => z.boolean().default(dflt);
const http = httpConfigSchema.optional();
const text = z.string().optional();

/** `host:port` of an SMTP server. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export const hostPortSchema = z.string().transform((s, ctx): HostPort => {
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(s);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || m[1] === '' || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `address ${JSON.stringify(s)}: expected host:port` });
    return z.NEVER;
  }
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
});

export const emailConfigSchema = z.strictObject({
  send_resolved: sendResolved(false),
  /** Comma-separated addresses (templated). */
  to: z.string(),
  from: z.string().optional(),
  hello: z.string().optional(),
  smarthost: hostPortSchema.optional(),
  auth_username: z.string().optional(),
  auth_password: z.string().optional(),
  auth_password_file: filePath.optional(),
  auth_secret: z.string().optional(),
  auth_secret_file: filePath.optional(),
  auth_identity: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  html: text,
  text: text,
  require_tls: z.boolean().optional(),
  /** Implicit TLS (SMTPS) regardless of the port; absent = global.smtp_force_implicit_tls, else port 465. */
  force_implicit_tls: z.boolean().optional(),
  tls_config: tlsConfigSchema.optional(),
  threading: z.strictObject({ enabled: z.boolean().default(false), thread_by_date: z.string().optional() }).optional(),
});
/** Email over SMTP; `from`, `hello`, `smarthost`, `require_tls` and the auth fields resolved from `global.smtp_*`. */
export type EmailConfig = Omit<z.output<typeof emailConfigSchema>, 'from' | 'hello' | 'smarthost' | 'require_tls'> & {
  readonly from: string;
  /** Default "localhost" (global.smtp_hello). */
  readonly hello: string;
  readonly smarthost: HostPort;
  /** STARTTLS required; default true (global.smtp_require_tls). Port 465 means implicit TLS. */
  readonly require_tls: boolean;
};

const slackField = z.strictObject({ title: z.string(), value: z.string(), short: z.boolean().optional() });
const slackAction = z.strictObject({
  type: z.string(),
  text: z.string(),
  url: z.string().optional(),
  style: z.string().optional(),
  name: z.string().optional(),
  value: z.string().optional(),
  confirm: z.strictObject({ text: z.string(), dismiss_text: z.string().optional(), ok_text: z.string().optional(), title: z.string().optional() }).optional(),
});
export const slackConfigSchema = z.strictObject({
  send_resolved: sendResolved(false),
  http_config: http,
  /** Incoming-webhook URL (or chat.postMessage with app_token). */
  api_url: urlString.optional(),
  api_url_file: filePath.optional(),
  app_token: z.string().optional(),
  app_token_file: filePath.optional(),
  app_url: urlString.optional(),
  channel: text,
  username: text,
  color: text,
  title: text,
  title_link: text,
  pretext: text,
  text: text,
  fields: z.array(slackField).optional(),
  short_fields: z.boolean().default(false),
  footer: text,
  fallback: text,
  callback_id: text,
  icon_emoji: text,
  icon_url: text,
  image_url: text,
  thumb_url: text,
  link_names: z.boolean().default(false),
  mrkdwn_in: z.array(z.string()).optional(),
  actions: z.array(slackAction).optional(),
  update_message: z.boolean().default(false),
  message_text: text,
  timeout: durationMs.optional(),
});
/** Slack; `api_url`/`api_url_file`/`app_token`/`app_token_file`/`app_url` resolved from global.slack_*. */
export type SlackConfig = z.output<typeof slackConfigSchema>;

export const webhookConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  url: urlString.optional(),
  url_file: filePath.optional(),
  /** 0 = all alerts; else at most this many per payload (truncatedAlerts counts the rest). */
  max_alerts: z.number().int().min(0).default(0),
  /** ms; 0 = no timeout of its own. */
  timeout: durationMs.default(0),
});
/** Generic webhook with Alertmanager's version-4 JSON payload; exactly one of url/url_file. */
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

export const pagerdutyConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  routing_key: z.string().optional(),
  routing_key_file: filePath.optional(),
  service_key: z.string().optional(),
  service_key_file: filePath.optional(),
  url: urlString.optional(),
  client: text,
  client_url: text,
  description: text,
  details: z.record(z.string(), z.unknown()).optional(),
  images: z.array(z.strictObject({ src: z.string().optional(), alt: z.string().optional(), href: z.string().optional() })).optional(),
  links: z.array(z.strictObject({ href: z.string().optional(), text: z.string().optional() })).optional(),
  source: text,
  severity: text,
  class: text,
  component: text,
  group: text,
  timeout: durationMs.optional(),
});
/** PagerDuty: Events API v2 with routing_key, v1 with service_key; `url` resolved from global.pagerduty_url. */
export type PagerdutyConfig = Omit<z.output<typeof pagerdutyConfigSchema>, 'url'> & { readonly url: string };

export const telegramConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_url: urlString.optional(),
  bot_token: z.string().optional(),
  bot_token_file: filePath.optional(),
  chat_id: z.number().int().optional(),
  chat_id_file: filePath.optional(),
  message_thread_id: z.number().int().optional(),
  message: text,
  disable_notifications: z.boolean().default(false),
  parse_mode: z.enum(['', 'Markdown', 'MarkdownV2', 'HTML']).default('HTML'),
});
/** Telegram Bot API; `api_url` and the bot token resolved from global.telegram_*. */
export type TelegramConfig = Omit<z.output<typeof telegramConfigSchema>, 'api_url'> & { readonly api_url: string };

export const discordConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  webhook_url: urlString.optional(),
  webhook_url_file: filePath.optional(),
  title: text,
  message: text,
  content: text,
  username: text,
  avatar_url: text,
});
export type DiscordConfig = z.output<typeof discordConfigSchema>;

export const msteamsConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  webhook_url: urlString.optional(),
  webhook_url_file: filePath.optional(),
  title: text,
  summary: text,
  text: text,
});
/** Microsoft Teams incoming webhook (legacy connector card). */
export type MsTeamsConfig = z.output<typeof msteamsConfigSchema>;

export const msteamsV2ConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  webhook_url: urlString.optional(),
  webhook_url_file: filePath.optional(),
  title: text,
  text: text,
});
/** Microsoft Teams through a Power Automate workflow (Adaptive Card). */
export type MsTeamsV2Config = z.output<typeof msteamsV2ConfigSchema>;

/** Vigie: ntfy (https://ntfy.sh or self-hosted). Publishes to `<url>/<topic>`. */
export const ntfyConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  /** Server base URL; default https://ntfy.sh. */
  url: urlString.default('https://ntfy.sh'),
  topic: z.string().min(1, 'missing topic in ntfy_config'),
  /** Access token (Bearer); alternatively basic_auth in http_config. */
  token: z.string().optional(),
  token_file: filePath.optional(),
  title: text,
  message: text,
  /** 1 (min) … 5 (max) or its name; templated. */
  priority: text,
  tags: z.array(z.string()).optional(),
  click: text,
});
export type NtfyConfig = z.output<typeof ntfyConfigSchema>;

/** Vigie: Gotify. POSTs `<url>/message` with the application token. */
export const gotifyConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  url: urlString,
  token: z.string().optional(),
  token_file: filePath.optional(),
  title: text,
  message: text,
  /** Gotify priority 0–10; default 5. */
  priority: z.number().int().min(0).max(10).default(5),
});
export type GotifyConfig = z.output<typeof gotifyConfigSchema>;

export type { OpsgenieConfig, VictoropsConfig, PushoverConfig, WechatConfig, SnsConfig, WebexConfig, JiraConfig, RocketchatConfig, MattermostConfig, IncidentioConfig };

/** Every receiver kind: config key → schema of one entry. */
export const receiverKindSchemas = {
  email_configs: emailConfigSchema,
  slack_configs: slackConfigSchema,
  webhook_configs: webhookConfigSchema,
  pagerduty_configs: pagerdutyConfigSchema,
  opsgenie_configs: opsgenieConfigSchema,
  victorops_configs: victoropsConfigSchema,
  pushover_configs: pushoverConfigSchema,
  wechat_configs: wechatConfigSchema,
  telegram_configs: telegramConfigSchema,
  sns_configs: snsConfigSchema,
  webex_configs: webexConfigSchema,
  discord_configs: discordConfigSchema,
  msteams_configs: msteamsConfigSchema,
  msteamsv2_configs: msteamsV2ConfigSchema,
  jira_configs: jiraConfigSchema,
  rocketchat_configs: rocketchatConfigSchema,
  mattermost_configs: mattermostConfigSchema,
  incidentio_configs: incidentioConfigSchema,
  ntfy_configs: ntfyConfigSchema,
  gotify_configs: gotifyConfigSchema,
} as const;

export type ReceiverKind = keyof typeof receiverKindSchemas;
export const RECEIVER_KINDS = Object.keys(receiverKindSchemas) as readonly ReceiverKind[];

/** One named receiver with its integrations, global defaults filled in. */
export interface ReceiverConfig {
  readonly name: string;
  readonly email_configs?: readonly EmailConfig[];
  readonly slack_configs?: readonly SlackConfig[];
  readonly webhook_configs?: readonly WebhookConfig[];
  readonly pagerduty_configs?: readonly PagerdutyConfig[];
  readonly opsgenie_configs?: readonly OpsgenieConfig[];
  readonly victorops_configs?: readonly VictoropsConfig[];
  readonly pushover_configs?: readonly PushoverConfig[];
  readonly wechat_configs?: readonly WechatConfig[];
  readonly telegram_configs?: readonly TelegramConfig[];
  readonly sns_configs?: readonly SnsConfig[];
  readonly webex_configs?: readonly WebexConfig[];
  readonly discord_configs?: readonly DiscordConfig[];
  readonly msteams_configs?: readonly MsTeamsConfig[];
  readonly msteamsv2_configs?: readonly MsTeamsV2Config[];
  readonly jira_configs?: readonly JiraConfig[];
  readonly rocketchat_configs?: readonly RocketchatConfig[];
  readonly mattermost_configs?: readonly MattermostConfig[];
  readonly incidentio_configs?: readonly IncidentioConfig[];
  readonly ntfy_configs?: readonly NtfyConfig[];
  readonly gotify_configs?: readonly GotifyConfig[];
}
