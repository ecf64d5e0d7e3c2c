import type { Notification } from '../types.js';
import { configuredText, defaultChatText, defaultTitle, truncate } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the Discord integration reads from a `discord_configs` entry. */
export interface DiscordIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  readonly webhook_url?: Opt<string>;
  readonly webhook_url_file?: Opt<string>;
  readonly title?: Opt<string>;
  readonly message?: Opt<string>;
  /** Plain message text above the embed. */
  readonly content?: Opt<string>;
  readonly username?: Opt<string>;
  readonly avatar_url?: Opt<string>;
}

/** Alertmanager's embed colors. */
const RED = 0x992d22;
const GREEN = 0x2ecc71;

/** Webhook body: optional content and one embed (title ≤ 256, description ≤ 4096 characters). */
export function discordPayload(n: Notification, c: DiscordIntegrationConfig): Record<string, unknown> {
  return {
    ...(c.content !== undefined ? { content: truncate(configuredText(c.content, () => ''), 2000) } : {}),
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(c.avatar_url !== undefined ? { avatar_url: c.avatar_url } : {}),
    embeds: [
      {
        title: truncate(configuredText(c.title, () => defaultTitle(n)), 256),
        description: truncate(configuredText(c.message, () => defaultChatText(n)), 4096),
        color: n.status === 'firing' ? RED : GREEN,
      },
    ],
  };
}

/** Discord channel webhook. */
export class DiscordIntegration implements Integration {
  readonly kind = 'discord';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: DiscordIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const url = readSecret(this.cfg.webhook_url, this.cfg.webhook_url_file, 'discord webhook_url');
    if (url === undefined || url === '') throw new NotifyError('discord: no webhook_url configured', false, 'other');
    const c = await templatesOf(this.deps).renderFields('discord', this.cfg, ['title', 'message', 'content'], n);
    await postJson(url, JSON.stringify(discordPayload(n, c)), { http: this.cfg.http_config, userAgent: this.deps.userAgent }, signal);
  }
}
