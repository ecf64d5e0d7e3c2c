import type { Notification } from '../types.js';
import { alertsLink, configuredText, defaultChatText, defaultTitle } from './defaults.js';
import { type HttpClientConfig, expectSuccess, httpSend, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the ntfy integration reads from an `ntfy_configs` entry. */
export interface NtfyIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  /** Server base URL, default https://ntfy.sh. */
  readonly url?: Opt<string>;
  readonly topic: string;
  readonly token?: Opt<string>;
  readonly token_file?: Opt<string>;
  readonly title?: Opt<string>;
  readonly message?: Opt<string>;
  /** 1–5 or min/low/default/high/max. */
  readonly priority?: Opt<string>;
  readonly tags?: Opt<readonly string[]>;
  readonly click?: Opt<string>;
}

/** A header value: ASCII as is, anything else as an RFC 2047 encoded word (ntfy decodes those). */
export function headerText(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

/**
 * ntfy: POST `<url>/<topic>` with the message as the body and X-Title, X-Priority (firing:
 * high, resolved: default, unless configured), X-Tags (an emoji tag for the status, then the
 * configured ones), X-Click; `token` goes as a Bearer token.
 */
export class NtfyIntegration implements Integration {
  readonly kind = 'ntfy';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: NtfyIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('ntfy', this.cfg, ['title', 'message', 'priority', 'click'], n);
    const url = `${(c.url ?? 'https://ntfy.sh').replace(/\/+$/, '')}/${encodeURIComponent(c.topic)}`;
    const tags = [n.status === 'firing' ? 'rotating_light' : 'white_check_mark', ...(c.tags ?? [])];
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Title': headerText(configuredText(c.title, () => defaultTitle(n))),
      'X-Priority': configuredText(c.priority, () => (n.status === 'firing' ? 'high' : 'default')),
      'X-Tags': tags.join(','),
      'X-Click': headerText(configuredText(c.click, () => alertsLink(n))),
    };
    const token = readSecret(c.token, c.token_file, 'ntfy token');
    if (token !== undefined && token !== '') headers['Authorization'] = `Bearer ${token}`;
    const res = await httpSend({ url, body: configuredText(c.message, () => defaultChatText(n)), headers, http: c.http_config, userAgent: this.deps.userAgent }, signal);
    expectSuccess(res, url);
  }
}
