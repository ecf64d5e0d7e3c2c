import type { Notification } from '../types.js';
import { configuredText, defaultText, defaultTitle } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, postJson, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the Gotify integration reads from a `gotify_configs` entry. */
export interface GotifyIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  /** Server base URL. */
  readonly url: string;
  /** Application token. */
  readonly token?: Opt<string>;
  readonly token_file?: Opt<string>;
  readonly title?: Opt<string>;
  readonly message?: Opt<string>;
  /** 0–10, default 5. */
  readonly priority?: Opt<number>;
}

/** Gotify: POST `<url>/message` with the application token in `X-Gotify-Key`. */
export class GotifyIntegration implements Integration {
  readonly kind = 'gotify';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: GotifyIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('gotify', this.cfg, ['title', 'message'], n);
    const token = readSecret(c.token, c.token_file, 'gotify token');
    if (token === undefined || token === '') throw new NotifyError('gotify: no token configured', false, 'other');
    const body = {
      title: configuredText(c.title, () => defaultTitle(n)),
      message: configuredText(c.message, () => defaultText(n)),
      priority: c.priority ?? 5,
      extras: { 'client::display': { contentType: 'text/plain' } },
    };
    await postJson(`${c.url.replace(/\/+$/, '')}/message`, JSON.stringify(body), { http: c.http_config, userAgent: this.deps.userAgent, headers: { 'X-Gotify-Key': token } }, signal);
  }
}
