import type { z } from 'zod';
import type { GlobalAlertingConfig } from './global.js';
import { receiverKindSchemas, type ReceiverConfig, type ReceiverKind } from './receivers.js';

type RawEntry<K extends ReceiverKind> = z.output<(typeof receiverKindSchemas)[K]>;
type Raw = { readonly [K in ReceiverKind]?: readonly RawEntry<K>[] | undefined };
type Issue = (path: readonly (string | number)[], message: string) => void;

const set = (v: unknown): boolean => v !== undefined && v !== '';

/**
 * Applies Alertmanager's receiver rules: per-integration checks ("at most one of x & x_file",
 * "one of x or x_file") and global defaults (smtp_* into email, slack_* into slack, …).
 * Reports problems through `issue` (path relative to the receiver) and returns the resolved receiver.
 */
export function resolveReceiver(name: string, raw: Raw, g: GlobalAlertingConfig, issue: Issue): ReceiverConfig {
  const out: Record<string, unknown> = { name };
  const http = g.http_config;
  const each = <K extends ReceiverKind>(kind: K, fn: (c: RawEntry<K>, at: Issue) => Record<string, unknown> | undefined): void => {
    const list = raw[kind];
    if (list === undefined) return;
    const resolved: Record<string, unknown>[] = [];
    list.forEach((c, i) => {
      const at: Issue = (p, m) => issue([kind, i, ...p], m);
      const r = fn(c, at);
      resolved.push({ http_config: http, ...c, ...(r ?? {}) });
    });
    out[kind] = resolved;
  };
  const excl = (c: Readonly<Record<string, unknown>>, a: string, b: string, at: Issue): void => {
    if (set(c[a]) && set(c[b])) at([a], `at most one of ${a} & ${b} must be configured`);
  };
  const oneOf = (c: Readonly<Record<string, unknown>>, a: string, b: string, at: Issue): void => {
    excl(c, a, b, at);
    if (!set(c[a]) && !set(c[b])) at([], `one of ${a} or ${b} must be configured`);
  };

  each('email_configs', (c, at) => {
    const smarthost = c.smarthost ?? (g.smtp_smarthost === '' ? undefined : g.smtp_smarthost);
    if (smarthost === undefined) at(['smarthost'], 'no global SMTP smarthost set');
    const from = c.from ?? g.smtp_from;
    if (from === undefined || from === '') at(['from'], 'no global SMTP from set');
    if (c.to === '') at(['to'], 'missing to address in email config');
    excl(c, 'auth_password', 'auth_password_file', at);
    excl(c, 'auth_secret', 'auth_secret_file', at);
    const seen = new Set<string>();
    for (const h of Object.keys(c.headers ?? {})) {
      const norm = h.toLowerCase();
      if (seen.has(norm)) at(['headers', h], `duplicate header ${JSON.stringify(h)} in email config`);
      seen.add(norm);
    }
    const ownPassword = set(c.auth_password) || set(c.auth_password_file);
    const ownSecret = set(c.auth_secret) || set(c.auth_secret_file);
    return {
      smarthost,
      from,
      hello: c.hello ?? g.smtp_hello,
      auth_username: c.auth_username ?? g.smtp_auth_username,
      auth_password: ownPassword ? c.auth_password : g.smtp_auth_password,
      auth_password_file: ownPassword ? c.auth_password_file : g.smtp_auth_password_file,
      auth_secret: ownSecret ? c.auth_secret : g.smtp_auth_secret,
      auth_secret_file: ownSecret ? c.auth_secret_file : g.smtp_auth_secret_file,
      auth_identity: c.auth_identity ?? g.smtp_auth_identity,
      require_tls: c.require_tls ?? g.smtp_require_tls,
      force_implicit_tls: c.force_implicit_tls ?? g.smtp_force_implicit_tls,
      tls_config: c.tls_config ?? g.smtp_tls_config,
      http_config: undefined,
    };
  });

  each('slack_configs', (c, at) => {
    excl(c, 'api_url', 'api_url_file', at);
    excl(c, 'app_token', 'app_token_file', at);
    if ((set(c.api_url) || set(c.api_url_file)) && (set(c.app_token) || set(c.app_token_file))) at([], 'at most one of api_url/api_url_file & app_token/app_token_file must be configured');
    if (c.update_message && c.api_url !== 'https://slack.com/api/chat.postMessage') at(['update_message'], 'update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage');
    const appUrl = c.app_url ?? g.slack_app_url;
    let appToken = c.app_token;
    let appTokenFile = c.app_token_file;
    if (!set(appToken) && !set(appTokenFile) && c.http_config?.authorization === undefined && c.api_url === undefined) {
      appToken = g.slack_app_token;
      appTokenFile = g.slack_app_token_file;
    }
    let apiUrl = c.api_url;
    let apiUrlFile = c.api_url_file;
    if (apiUrl === undefined && apiUrlFile === undefined) {
      apiUrl = g.slack_api_url;
      apiUrlFile = g.slack_api_url_file;
    }
    if (apiUrl === undefined && apiUrlFile === undefined && !set(appToken) && !set(appTokenFile)) at([], 'no Slack API URL nor App token set either inline or in a file');
    let httpConfig = c.http_config ?? http;
    if (set(appToken) || set(appTokenFile)) {
      if (c.http_config?.authorization !== undefined) at(['http_config', 'authorization'], "http authorization can't be set when using Slack App tokens");
      httpConfig = { ...httpConfig, authorization: { type: 'Bearer', ...(appToken !== undefined ? { credentials: appToken } : {}), ...(appTokenFile !== undefined ? { credentials_file: appTokenFile } : {}) } };
      apiUrl = appUrl;
      apiUrlFile = undefined;
    }
    return { app_url: appUrl, app_token: appToken, app_token_file: appTokenFile, api_url: apiUrl, api_url_file: apiUrlFile, http_config: httpConfig };
  });

  each('webhook_configs', (c, at) => void oneOf(c, 'url', 'url_file', at));
  each('incidentio_configs', (c, at) => {
    oneOf(c, 'url', 'url_file', at);
    excl(c, 'alert_source_token', 'alert_source_token_file', at);
    const token = set(c.alert_source_token) || set(c.alert_source_token_file);
    const authz = c.http_config?.authorization !== undefined;
    if (token && authz) at([], 'cannot specify alert_source_token or alert_source_token_file when using http_config.authorization');
    if (!token && !authz) at([], 'at least one of alert_source_token, alert_source_token_file or http_config.authorization must be configured');
    return undefined;
  });
  each('pushover_configs', (c, at) => {
    oneOf(c, 'user_key', 'user_key_file', at);
    oneOf(c, 'token', 'token_file', at);
    if (c.html && c.monospace) at([], 'at most one of monospace & html must be configured');
    return undefined;
  });
  each('pagerduty_configs', (c, at) => {
    if (!set(c.routing_key) && !set(c.routing_key_file) && !set(c.service_key) && !set(c.service_key_file)) at([], 'missing service or routing key in PagerDuty config');
    excl(c, 'routing_key', 'routing_key_file', at);
    excl(c, 'service_key', 'service_key_file', at);
    return { url: c.url ?? g.pagerduty_url };
  });
  each('opsgenie_configs', (c, at) => {
    excl(c, 'api_key', 'api_key_file', at);
    for (const [i, r] of (c.responders ?? []).entries()) {
      if (!set(r.id) && !set(r.name) && !set(r.username)) at(['responders', i], 'opsGenieConfig responder has to have at least one of id, username or name specified');
      if (!r.type.includes('{{') && !/^(team|teams|user|escalation|schedule)$/.test(r.type)) at(['responders', i, 'type'], `opsGenieConfig responder type ${JSON.stringify(r.type)} does not match valid options team, teams, user, escalation, schedule`);
    }
    const key = c.api_key ?? g.opsgenie_api_key;
    const keyFile = c.api_key_file ?? g.opsgenie_api_key_file;
    if (!set(key) && !set(keyFile)) at(['api_key'], 'no global OpsGenie API Key set either inline or in a file');
    return { api_url: withSlash(c.api_url ?? g.opsgenie_api_url), api_key: key, api_key_file: keyFile };
  });
  each('wechat_configs', (c, at) => {
    excl(c, 'api_secret', 'api_secret_file', at);
    let secret = c.api_secret;
    let secretFile = c.api_secret_file;
    if (!set(secret) && !set(secretFile)) {
      if (!set(g.wechat_api_secret) && !set(g.wechat_api_secret_file)) at(['api_secret'], 'no global Wechat Api Secret set either inline or in a file');
      secret = g.wechat_api_secret;
      secretFile = g.wechat_api_secret_file;
    }
    const corp = c.corp_id ?? g.wechat_api_corp_id;
    if (!set(corp)) at(['corp_id'], 'no global Wechat CorpID set');
    return { api_url: withSlash(c.api_url ?? g.wechat_api_url), api_secret: secret, api_secret_file: secretFile, corp_id: corp };
  });
  each('victorops_configs', (c, at) => {
    excl(c, 'api_key', 'api_key_file', at);
    for (const k of Object.keys(c.custom_fields ?? {})) {
      if (['routing_key', 'message_type', 'state_message', 'entity_display_name', 'monitoring_tool', 'entity_id', 'entity_state'].includes(k)) at(['custom_fields', k], `victorOps config contains custom field ${k} which cannot be used as it conflicts with the fixed/static fields`);
    }
    const key = c.api_key ?? g.victorops_api_key;
    const keyFile = c.api_key_file ?? g.victorops_api_key_file;
    if (!set(key) && !set(keyFile)) at(['api_key'], 'no global VictorOps API Key set');
    return { api_url: withSlash(c.api_url ?? g.victorops_api_url), api_key: key, api_key_file: keyFile };
  });
  each('sns_configs', (c, at) => {
    if (!set(c.topic_arn) && !set(c.phone_number) && !set(c.target_arn)) at([], 'must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
    return undefined;
  });
  each('telegram_configs', (c, at) => {
    excl(c, 'bot_token', 'bot_token_file', at);
    excl(c, 'chat_id', 'chat_id_file', at);
    if ((c.chat_id === undefined || c.chat_id === 0) && !set(c.chat_id_file)) at(['chat_id'], 'missing chat_id or chat_id_file on telegram_config');
    let token = c.bot_token;
    let tokenFile = c.bot_token_file;
    if (!set(token) && !set(tokenFile)) {
      if (!set(g.telegram_bot_token) && !set(g.telegram_bot_token_file)) at(['bot_token'], 'missing bot_token or bot_token_file on telegram_config');
      token = g.telegram_bot_token;
      tokenFile = g.telegram_bot_token_file;
    }
    return { api_url: c.api_url ?? g.telegram_api_url, bot_token: token, bot_token_file: tokenFile };
  });
  for (const kind of ['discord_configs', 'msteams_configs', 'msteamsv2_configs'] as const) each(kind, (c, at) => void oneOf(c, 'webhook_url', 'webhook_url_file', at));
  each('webex_configs', (c, at) => {
    const h = c.http_config ?? http;
    if (h.authorization === undefined) at(['http_config', 'authorization'], 'missing webex_configs.http_config.authorization');
    return { api_url: c.api_url ?? g.webex_api_url };
  });
  each('jira_configs', (c, at) => {
    const url = c.api_url ?? g.jira_api_url;
    if (url === undefined) at(['api_url'], 'no global Jira Cloud URL set');
    return { api_url: url };
  });
  each('rocketchat_configs', (c, at) => {
    excl(c, 'token', 'token_file', at);
    excl(c, 'token_id', 'token_id_file', at);
    const tokenId = c.token_id ?? g.rocketchat_token_id;
    const tokenIdFile = c.token_id_file ?? g.rocketchat_token_id_file;
    if (tokenId === undefined && !set(tokenIdFile)) at(['token_id'], 'no global Rocketchat TokenID set either inline or in a file');
    const token = c.token ?? g.rocketchat_token;
    const tokenFile = c.token_file ?? g.rocketchat_token_file;
    if (token === undefined && !set(tokenFile)) at(['token'], 'no global Rocketchat Token set either inline or in a file');
    return { api_url: c.api_url ?? g.rocketchat_api_url, token, token_file: tokenFile, token_id: tokenId, token_id_file: tokenIdFile };
  });
  each('mattermost_configs', (c, at) => {
    excl(c, 'webhook_url', 'webhook_url_file', at);
    if (c.webhook_url === undefined && !set(c.webhook_url_file)) {
      if (g.mattermost_webhook_url === undefined && !set(g.mattermost_webhook_url_file)) at(['webhook_url'], 'missing webhook_url or webhook_url_file on mattermost_config');
      return { webhook_url: g.mattermost_webhook_url, webhook_url_file: g.mattermost_webhook_url_file };
    }
    return undefined;
  });
  each('ntfy_configs', (c, at) => void excl(c, 'token', 'token_file', at));
  each('gotify_configs', (c, at) => void oneOf(c, 'token', 'token_file', at));

  // Drop keys resolved to undefined so the result honours exactOptionalPropertyTypes.
  for (const kind of Object.keys(receiverKindSchemas)) {
    const list = out[kind];
    if (Array.isArray(list)) out[kind] = list.map((e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)));
  }
  return out as unknown as ReceiverConfig;
}

function withSlash(u: string): string {
  const url = new URL(u);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.toString();
}
