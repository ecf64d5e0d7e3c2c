import type { Notification } from '../types.js';
import { configuredText, defaultChatText, defaultTitle, truncate } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the Teams integrations read from `msteams_configs` / `msteamsv2_configs` entries. */
export interface MsTeamsIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  readonly webhook_url?: Opt<string>;
  readonly webhook_url_file?: Opt<string>;
  readonly title?: Opt<string>;
  /** msteams (MessageCard) only. */
  readonly summary?: Opt<string>;
  readonly text?: Opt<string>;
}

/** Legacy connector MessageCard, with Alertmanager's colors (red firing, green resolved). */
export function msteamsPayload(n: Notification, c: MsTeamsIntegrationConfig): Record<string, unknown> {
  const title = configuredText(c.title, () => defaultTitle(n));
  return {
    '@context': 'http://schema.org/extensions',
    type: 'MessageCard',
    title,
    summary: configuredText(c.summary, () => title),
    // Teams renders MessageCard text as Markdown: two spaces before a newline keep the line breaks.
    text: configuredText(c.text, () => defaultChatText(n).replace(/\n/g, '  \n')),
    themeColor: n.status === 'firing' ? '8C1A1A' : '2DC72D',
  };
}

/** Power Automate workflow payload: a message with one Adaptive Card. */
export function msteamsV2Payload(n: Notification, c: MsTeamsIntegrationConfig): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.2',
          body: [
            { type: 'TextBlock', text: truncate(configuredText(c.title, () => defaultTitle(n)), 400), weight: 'Bolder', size: 'Medium', wrap: true, style: 'heading', color: n.status === 'firing' ? 'Attention' : 'Good' },
            { type: 'TextBlock', text: configuredText(c.text, () => defaultChatText(n).replace(/\n/g, '\n\n')), wrap: true },
          ],
          msteams: { width: 'full' },
        },
      },
    ],
  };
}

/** Microsoft Teams: `msteams` (incoming webhook MessageCard) or `msteamsv2` (workflow Adaptive Card). */
export class MsTeamsIntegration implements Integration {
  readonly sendResolved: boolean;

  constructor(
    readonly kind: 'msteams' | 'msteamsv2',
    readonly index: number,
    private readonly cfg: MsTeamsIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const url = readSecret(this.cfg.webhook_url, this.cfg.webhook_url_file, `${this.kind} webhook_url`);
    if (url === undefined || url === '') throw new NotifyError(`${this.kind}: no webhook_url configured`, false, 'other');
    const c = await templatesOf(this.deps).renderFields(this.kind, this.cfg, ['title', 'summary', 'text'], n);
    const body = this.kind === 'msteams' ? msteamsPayload(n, c) : msteamsV2Payload(n, c);
    await postJson(url, JSON.stringify(body), { http: this.cfg.http_config, userAgent: this.deps.userAgent }, signal);
  }
}
