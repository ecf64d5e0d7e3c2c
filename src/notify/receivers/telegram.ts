import type { Notification } from '../types.js';
import { configuredText, defaultText, defaultTitle, escapeHtml, truncate } from './defaults.js';
import { NotifyError } from './errors.js';
import { type HttpClientConfig, httpSend, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the Telegram integration reads from a `telegram_configs` entry (global telegram_* applied). */
export interface TelegramIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  readonly http_config?: Opt<HttpClientConfig>;
  /** Bot API base; default https://api.telegram.org. */
  readonly api_url?: Opt<string>;
  readonly bot_token?: Opt<string>;
  readonly bot_token_file?: Opt<string>;
  readonly chat_id?: Opt<number>;
  readonly chat_id_file?: Opt<string>;
  readonly message_thread_id?: Opt<number>;
  readonly message?: Opt<string>;
  readonly disable_notifications?: Opt<boolean>;
  /** Default HTML. */
  readonly parse_mode?: Opt<'' | 'Markdown' | 'MarkdownV2' | 'HTML'>;
}

const MAX_MESSAGE = 4096;

/** Escapes text for Telegram's parse modes (so alert text cannot break the markup). */
export function escapeTelegram(s: string, mode: string): string {
  if (mode === 'HTML') return escapeHtml(s);
  if (mode === 'MarkdownV2') return s.replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
  if (mode === 'Markdown') return s.replace(/[_*`[]/g, '\\$&');
  return s;
}

/** The default message: bold title, then the alerts as text, escaped for `mode`. */
export function telegramMessage(n: Notification, mode: string): string {
  const title = escapeTelegram(defaultTitle(n), mode);
  const bold = mode === 'HTML' ? `<b>${title}</b>` : mode === 'MarkdownV2' ? `*${title}*` : mode === 'Markdown' ? `*${title}*` : title;
  return `${bold}\n\n${escapeTelegram(defaultText(n), mode)}`;
}

/** Telegram Bot API `sendMessage` to `chat_id`. Telegram's `{"ok":false}` answers are errors. */
export class TelegramIntegration implements Integration {
  readonly kind = 'telegram';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: TelegramIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? true;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('telegram', this.cfg, ['message'], n);
    const token = readSecret(c.bot_token, c.bot_token_file, 'telegram bot_token');
    if (token === undefined || token === '') throw new NotifyError('telegram: no bot_token configured', false, 'other');
    const chatText = readSecret(c.chat_id === undefined ? undefined : String(c.chat_id), c.chat_id_file, 'telegram chat_id');
    const chatId = chatText === undefined ? NaN : Number(chatText);
    if (!Number.isInteger(chatId)) throw new NotifyError(`telegram: chat_id ${JSON.stringify(chatText ?? '')} is not an integer`, false, 'other');
    const mode = c.parse_mode ?? 'HTML';
    const body = {
      chat_id: chatId,
      text: truncate(configuredText(c.message, () => telegramMessage(n, mode)), MAX_MESSAGE),
      ...(mode !== '' ? { parse_mode: mode } : {}),
      ...(c.disable_notifications === true ? { disable_notification: true } : {}),
      ...(c.message_thread_id !== undefined ? { message_thread_id: c.message_thread_id } : {}),
    };
    const base = (c.api_url ?? 'https://api.telegram.org').replace(/\/+$/, '');
    const url = `${base}/bot${token}/sendMessage`;
    const res = await httpSend({ url, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, http: c.http_config, userAgent: this.deps.userAgent }, signal);
    if (res.status >= 200 && res.status < 300) return;
    let description = res.body.slice(0, 300);
    try {
      const parsed = JSON.parse(res.body) as { description?: unknown };
      if (typeof parsed.description === 'string') description = parsed.description;
    } catch {
      // not JSON: keep the raw text
    }
    // The URL holds the bot token: never put it in the message.
    const msg = `telegram: unexpected status code ${res.status}: ${description}`;
    if (res.status >= 500 || res.status === 429) throw new NotifyError(msg, true, 'serverError', res.status);
    throw new NotifyError(msg, false, 'clientError', res.status);
  }
}
