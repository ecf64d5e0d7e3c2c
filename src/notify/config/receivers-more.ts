import { z } from 'zod';
import { durationMs, filePath, httpConfigSchema, stringish, urlString } from './fields.js';

/**
 * Receiver shapes of the less common Alertmanager integrations (see receivers.ts for the
 * conventions: global defaults applied, absent text = the integration's default template).
 */

const sendResolved = (dflt: boolean) => z.boolean().default(dflt);
const http = httpConfigSchema.optional();
const text = z.string().optional();

const opsgenieResponder = z.strictObject({ id: z.string().optional(), name: z.string().optional(), username: z.string().optional(), type: z.string() });
export const opsgenieConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_key: z.string().optional(),
  api_key_file: filePath.optional(),
  api_url: urlString.optional(),
  message: text,
  description: text,
  source: text,
  details: z.record(z.string(), z.string()).optional(),
  entity: text,
  responders: z.array(opsgenieResponder).optional(),
  actions: text,
  tags: text,
  note: text,
  priority: text,
  update_alerts: z.boolean().default(false),
});
export type OpsgenieConfig = Omit<z.output<typeof opsgenieConfigSchema>, 'api_url'> & { readonly api_url: string };

export const victoropsConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_key: z.string().optional(),
  api_key_file: filePath.optional(),
  api_url: urlString.optional(),
  routing_key: z.string().min(1, 'missing routing key in VictorOps config'),
  message_type: text,
  state_message: text,
  entity_display_name: text,
  monitoring_tool: text,
  custom_fields: z.record(z.string(), z.string()).optional(),
});
export type VictoropsConfig = Omit<z.output<typeof victoropsConfigSchema>, 'api_url'> & { readonly api_url: string };

export const pushoverConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  user_key: z.string().optional(),
  user_key_file: filePath.optional(),
  token: z.string().optional(),
  token_file: filePath.optional(),
  title: text,
  message: text,
  url: text,
  url_title: text,
  device: text,
  sound: text,
  priority: text,
  /** ms. */
  retry: durationMs.default(60_000),
  /** ms. */
  expire: durationMs.default(3_600_000),
  /** ms; 0 = none. */
  ttl: durationMs.default(0),
  html: z.boolean().default(false),
  monospace: z.boolean().default(false),
});
export type PushoverConfig = z.output<typeof pushoverConfigSchema>;

export const wechatConfigSchema = z.strictObject({
  send_resolved: sendResolved(false),
  http_config: http,
  api_secret: z.string().optional(),
  api_secret_file: filePath.optional(),
  api_url: urlString.optional(),
  corp_id: z.string().optional(),
  message: text,
  message_type: z.enum(['text', 'markdown']).default('text'),
  agent_id: stringish.optional(),
  to_user: text,
  to_party: text,
  to_tag: text,
});
export type WechatConfig = Omit<z.output<typeof wechatConfigSchema>, 'api_url'> & { readonly api_url: string };

export const snsConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_url: text,
  sigv4: z.strictObject({ region: z.string().optional(), access_key: z.string().optional(), secret_key: z.string().optional(), profile: z.string().optional(), role_arn: z.string().optional() }).optional(),
  topic_arn: text,
  phone_number: text,
  target_arn: text,
  subject: text,
  message: text,
  attributes: z.record(z.string(), z.string()).optional(),
});
export type SnsConfig = z.output<typeof snsConfigSchema>;

export const webexConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_url: urlString.optional(),
  room_id: z.string().min(1, 'missing room_id on webex_config'),
  message: text,
});
export type WebexConfig = Omit<z.output<typeof webexConfigSchema>, 'api_url'> & { readonly api_url: string };

export const jiraConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  api_url: urlString.optional(),
  api_type: z.enum(['auto', 'cloud', 'datacenter']).default('auto'),
  project: z.string().min(1, 'missing project in jira_config'),
  summary: text,
  description: text,
  labels: z.array(z.string()).optional(),
  priority: text,
  issue_type: z.string().min(1, 'missing issue_type in jira_config'),
  reopen_transition: text,
  resolve_transition: text,
  wont_fix_resolution: text,
  reopen_duration: durationMs.optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type JiraConfig = Omit<z.output<typeof jiraConfigSchema>, 'api_url'> & { readonly api_url: string };

const rocketchatField = z.strictObject({ title: z.string().optional(), value: z.string().optional(), short: z.boolean().optional() });
export const rocketchatConfigSchema = z.strictObject({
  send_resolved: sendResolved(false),
  http_config: http,
  api_url: urlString.optional(),
  channel: text,
  token: z.string().optional(),
  token_file: filePath.optional(),
  token_id: z.string().optional(),
  token_id_file: filePath.optional(),
  color: text,
  emoji: text,
  icon_url: text,
  text: text,
  title: text,
  title_link: text,
  fields: z.array(rocketchatField).optional(),
  short_fields: z.boolean().default(false),
  image_url: text,
  thumb_url: text,
  link_names: z.boolean().default(false),
  actions: z.array(z.strictObject({ type: z.string().optional(), text: z.string().optional(), url: z.string().optional(), msg: z.string().optional() })).optional(),
});
export type RocketchatConfig = Omit<z.output<typeof rocketchatConfigSchema>, 'api_url'> & { readonly api_url: string };

export const mattermostConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  webhook_url: urlString.optional(),
  webhook_url_file: filePath.optional(),
  channel: text,
  username: text,
  text: text,
  icon_url: text,
  icon_emoji: text,
  attachments: z.array(z.record(z.string(), z.unknown())).optional(),
  props: z.record(z.string(), z.unknown()).optional(),
  priority: z.record(z.string(), z.unknown()).optional(),
});
export type MattermostConfig = z.output<typeof mattermostConfigSchema>;

export const incidentioConfigSchema = z.strictObject({
  send_resolved: sendResolved(true),
  http_config: http,
  url: urlString.optional(),
  url_file: filePath.optional(),
  alert_source_token: z.string().optional(),
  alert_source_token_file: filePath.optional(),
  max_alerts: z.number().int().min(0).default(0),
  timeout: durationMs.default(0),
});
export type IncidentioConfig = z.output<typeof incidentioConfigSchema>;

