export type { HttpConfig, TlsConfig } from './fields.js';
export type { GlobalAlertingConfig } from './global.js';
export type {
  DiscordConfig,
  EmailConfig,
  GotifyConfig,
  HostPort,
  IncidentioConfig,
  JiraConfig,
  MattermostConfig,
  MsTeamsConfig,
  MsTeamsV2Config,
  NtfyConfig,
  OpsgenieConfig,
  PagerdutyConfig,
  PushoverConfig,
  ReceiverConfig,
  ReceiverKind,
  RocketchatConfig,
  SlackConfig,
  SnsConfig,
  TelegramConfig,
  VictoropsConfig,
  WebexConfig,
  WebhookConfig,
  WechatConfig,
} from './receivers.js';
export { RECEIVER_KINDS } from './receivers.js';
export type { RouteConfig } from './route.js';
export { type AlertingConfig, AlertingConfigError, type AlertmanagerTargetConfig, type InhibitRuleConfig, alertingConfigSchema, parseAlertingConfig } from './schema.js';
export type { IntRange, TimeIntervalConfig, TimePeriod, TimeRange } from './time-intervals.js';
