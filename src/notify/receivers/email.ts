import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import type { Notification } from '../types.js';
import { alertsLink, configuredText, defaultHtml, defaultText, defaultTitle } from './defaults.js';
import { NotifyError } from './errors.js';
import { type TlsClientConfig, readSecret } from './http.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { templatesOf } from './templates.js';

type Opt<T> = T | undefined;

/** What the email integration reads from an `email_configs` entry (global smtp_* already applied). */
export interface EmailIntegrationConfig {
  readonly send_resolved?: Opt<boolean>;
  /** Comma-separated recipients. */
  readonly to: string;
  readonly from: string;
  /** Name given in EHLO; default "localhost". */
  readonly hello?: Opt<string>;
  readonly smarthost: { readonly host: string; readonly port: number };
  readonly auth_username?: Opt<string>;
  readonly auth_password?: Opt<string>;
  readonly auth_password_file?: Opt<string>;
  /** Extra or replacing headers (Subject, To, From have defaults). */
  readonly headers?: Opt<Readonly<Record<string, string>>>;
  /** Go templates; html is rendered in html mode (values escaped). Absent: Vigie's default bodies. */
  readonly html?: Opt<string>;
  readonly text?: Opt<string>;
  /** STARTTLS required (default true, like Alertmanager); false: plain SMTP, no STARTTLS. */
  readonly require_tls?: Opt<boolean>;
  /** TLS from the first byte (SMTPS); default: port 465 only. */
  readonly force_implicit_tls?: Opt<boolean>;
  readonly tls_config?: Opt<TlsClientConfig>;
}

/** nodemailer's error fields that tell what went wrong. */
interface SmtpErrorFields {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
}

/**
 * Email over SMTP with nodemailer: STARTTLS (required by default), implicit TLS on port 465,
 * AUTH PLAIN/LOGIN when `auth_username` is set (the server's offer decides), a multipart
 * text + HTML body from Vigie's default templates, and Alertmanager's default Subject.
 * SMTP 5xx replies are final (not retried); 4xx, connection and TLS failures are retried.
 */
export class EmailIntegration implements Integration {
  readonly kind = 'email';
  readonly sendResolved: boolean;

  constructor(
    readonly index: number,
    private readonly cfg: EmailIntegrationConfig,
    private readonly deps: IntegrationDeps,
  ) {
    this.sendResolved = cfg.send_resolved ?? false;
  }

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    const c = await templatesOf(this.deps).renderFields('email', this.cfg, ['to', 'from', 'html', 'text', 'headers'], n, ['html']);
    const password = readSecret(c.auth_password, c.auth_password_file, 'auth_password');
    const tls = c.tls_config;
    let ca: string | undefined;
    try {
      ca = tls?.ca_file !== undefined ? readFileSync(tls.ca_file, 'utf8') : tls?.ca;
    } catch (err) {
      throw new NotifyError(`reading tls_config ca_file ${tls?.ca_file ?? ''}: ${(err as Error).message}`, false, 'other', undefined, { cause: err });
    }
    const requireTls = c.require_tls ?? true;
    const transport = createTransport({
      host: c.smarthost.host,
      port: c.smarthost.port,
      secure: c.force_implicit_tls ?? c.smarthost.port === 465,
      requireTLS: requireTls,
      ignoreTLS: !requireTls,
      name: c.hello ?? 'localhost',
      ...(c.auth_username !== undefined && c.auth_username !== '' ? { auth: { user: c.auth_username, pass: password ?? '' } } : {}),
      tls: {
        rejectUnauthorized: tls?.insecure_skip_verify !== true,
        ...(ca !== undefined ? { ca } : {}),
        ...(tls?.server_name !== undefined ? { servername: tls.server_name } : {}),
      },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    const onAbort = (): void => transport.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) throw new NotifyError('aborted before sending', true, 'timeout');
      const headers: Record<string, string> = { ...(c.headers ?? {}) };
      const pick = (name: string): string | undefined => {
        const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
        if (key === undefined) return undefined;
        const v = headers[key];
        delete headers[key];
        return v;
      };
      const subject = configuredText(pick('subject'), () => defaultTitle(n));
      const to = configuredText(pick('to'), () => c.to);
      const from = configuredText(pick('from'), () => c.from);
      await transport.sendMail({
        from,
        to: to.split(',').map((s) => s.trim()).filter((s) => s !== ''),
        subject,
        text: configuredText(c.text, () => `${defaultText(n)}\n\n${alertsLink(n)}\n`),
        html: configuredText(c.html, () => defaultHtml(n)),
        headers,
      });
    } catch (err) {
      throw smtpError(err, signal, `${c.smarthost.host}:${c.smarthost.port}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

function smtpError(err: unknown, signal: AbortSignal, where: string): NotifyError {
  if (err instanceof NotifyError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpErrorFields;
  const msg = `${where}: ${err instanceof Error ? err.message : String(err)}`;
  if (signal.aborted) return new NotifyError(`${where}: timed out or aborted`, true, 'timeout', undefined, { cause: err });
  const code = e.responseCode;
  if (code !== undefined && code >= 500) return new NotifyError(msg, false, 'clientError', code, { cause: err });
  if (code !== undefined && code >= 400) return new NotifyError(msg, true, 'serverError', code, { cause: err });
  if (e.code === 'ETIMEDOUT') return new NotifyError(msg, true, 'timeout', undefined, { cause: err });
  return new NotifyError(msg, true, 'network', undefined, { cause: err });
}
