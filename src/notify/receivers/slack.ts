import type { Notification } from '../types.js';
import { alertsLink, configuredText, defaultChatText, defaultTitle } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';
import { withTimeout } from './webhook.js';

type Opt<T> = T | undefined;

/** What the Slack integration reads from a `slack_configs` entry (global slack_* applied). */
export interface SlackIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  /** Incoming-webhook URL. */
  readonly api_url?: Opt<string>;
  readonly api_url_file?: Opt<string>;
  /** Bot token for chat.postMessage at `app_url` (instead of a webhook). */
  readonly app_token?: Opt<string>;
  readonly app_token_file?: Opt<string>;
  readonly app_url?: Opt<string>;
  readonly channel?: Opt<string>;
  readonly username?: Opt<string>;
  readonly color?: Opt<string>;
  readonly title?: Opt<string>;
  readonly title_link?: Opt<string>;
  readonly pretext?: Opt<string>;
  readonly text?: Opt<string>;
  readonly fields?: Opt<readonly { readonly title: string; readonly value: string; readonly short?: Opt<boolean> }[]>;
  readonly short_fields?: Opt<boolean>;
  readonly footer?: Opt<string>;
  readonly fallback?: Opt<string>;
  readonly icon_emoji?: Opt<string>;
  readonly icon_url?: Opt<string>;
  readonly link_names?: Opt<boolean>;
  readonly mrkdwn_in?: Opt<readonly string[]>;
  /** ms; 0 or absent = none of its own. */
  readonly timeout?: Opt<number>;
}

/** Fields rendered as templates (secrets and URLs too, like Alertmanager's tmplText on them). */
const SLACK_TEMPLATED = ['channel', 'username', 'color', 'title', 'title_link', 'pretext', 'text', 'footer', 'fallback', 'icon_emoji', 'icon_url'] as const;

/** The Slack message: one attachment with the title, color, text and fields (Alertmanager's layout). */
export function slackPayload(n: Notification, c: SlackIntegrationConfig): Record<string, unknown> {
  const title = configuredText(c.title, () => defaultTitle(n));
  const link = configuredText(c.title_link, () => alertsLink(n));
  const attachment: Record<string, unknown> = {
    title,
    title_link: link,
    text: configuredText(c.text, () => defaultChatText(n)),
    fallback: configuredText(c.fallback, () => `${title} | ${link}`),
    color: configuredText(c.color, () => (n.status === 'firing' ? 'danger' : 'good')),
    mrkdwn_in: c.mrkdwn_in ?? ['fallback', 'pretext', 'text'],
  };
  if (c.pretext !== undefined) attachment['pretext'] = configuredText(c.pretext, () => '');
  if (c.footer !== undefined) attachment['footer'] = configuredText(c.footer, () => '');
  if (c.fields !== undefined && c.fields.length > 0) {
    attachment['fields'] = c.fields.map((f) => ({ title: f.title, value: f.value, short: f.short ?? c.short_fields ?? false }));
  }
  return {
    ...(c.channel !== undefined ? { channel: c.channel } : {}),
    username: configuredText(c.username, () => 'Vigie'),
    ...(c.icon_emoji !== undefined ? { icon_emoji: c.icon_emoji } : {}),
    ...(c.icon_url !== undefined ? { icon_url: c.icon_url } : {}),
    ...(c.link_names === true ? { link_names: true } : {}),
    attachments: [attachment],
  };
}

/**
 * Slack: an incoming webhook (`api_url`), or chat.postMessage with a bot token (`app_token`
 * at `app_url`), whose HTTP 200 `{"ok":false}` answers are final errors.
 */
export class SlackIntegration implements Integration {
  readonly kind = 'slack';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: SlackIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? false;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('slack', this.cfg, SLACK_TEMPLATED, n);
    const token = readSecret(c.app_token, c.app_token_file, 'slack app_token');
    const url = token !== undefined && token !== '' ? (c.app_url ?? 'https://slack.com/api/chat.postMessage') : readSecret(c.api_url, c.api_url_file, 'slack api_url');
    if (url === undefined || url === '') throw new NotifyError('slack: no api_url or app_token configured', false, 'other');
    const headers = token !== undefined && token !== '' ? { Authorization: `Bearer ${token}` } : undefined;
    const res = await postJson(url, JSON.stringify(slackPayload(n, c)), { http: c.http_config, userAgent: this.deps.userAgent, ...(headers ? { headers } : {}) }, withTimeout(signal, c.timeout));
    if (res.body.trimStart().startsWith('{')) {
      let parsed: { ok?: unknown; error?: unknown } | undefined;
      try {
        parsed = JSON.parse(res.body) as { ok?: unknown; error?: unknown };
      } catch {
        parsed = undefined;
      }
      if (parsed?.ok === false) throw new NotifyError(`slack: ${typeof parsed.error === 'string' ? parsed.error : 'error'}`, false, 'clientError', res.status);
    }
  }
}
