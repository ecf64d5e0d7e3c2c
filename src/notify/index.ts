export type { Alert, Notification, NotifiedAlert, NotifyFunc } from './types.js';
export type {
  AlertingConfig,
  AlertmanagerTargetConfig,
  DiscordConfig,
  EmailConfig,
  GlobalAlertingConfig,
  GotifyConfig,
  HostPort,
  HttpConfig,
  IncidentioConfig,
  InhibitRuleConfig,
  IntRange,
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
  RouteConfig,
  SlackConfig,
  SnsConfig,
  TelegramConfig,
  TimeIntervalConfig,
  TimePeriod,
  TimeRange,
  TlsConfig,
  VictoropsConfig,
  WebexConfig,
  WebhookConfig,
  WechatConfig,
} from './config/index.js';
export { AlertingConfigError, RECEIVER_KINDS, alertingConfigSchema, parseAlertingConfig } from './config/index.js';
export { MatcherParseError, formatMatcher, parseMatcher, parseMatchers } from './matchers/index.js';
export { type AlertGroupView, AlertRouter, type AlertRouterOptions, type AlertStatusView, type StoredAlert, fingerprint } from './dispatch/index.js';
export { type Silence, SilenceError, type SilenceInput, type SilenceMatcher, type SilenceState, Silences, type SilencesOptions, silenceState } from './silences/index.js';
export { type AlertmanagerApiDeps, alertingConfigText, alertmanagerApiRoutes, parsePostableAlerts } from './api/index.js';
export {
  type Integration,
  type IntegrationDeps,
  type NotifyFailureReason,
  NotificationTemplateLoadError,
  NotificationTemplates,
  NotifyError,
  UnsupportedIntegration,
  buildIntegrations,
  buildReceivers,
  integrationName,
  webhookPayload,
} from './receivers/index.js';
export { type Attempt, type AttemptOutcome, Delivery, type DeliveryOptions, type ReceiverIntegrations, type TestResult, UnknownReceiverError, notificationRoutes } from './delivery/index.js';
export { type ForwardTargetConfig, Forwarder, type ForwarderOptions } from './forward/index.js';
