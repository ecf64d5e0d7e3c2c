import type { Notification } from '../types.js';
import type { NotificationTemplates } from './templates.js';

/**
 * One way of delivering a receiver's notifications (one entry of e.g. `webhook_configs`).
 * Named like Alertmanager does: `<kind>[<index>]`, the index counting within the kind.
 */
export interface Integration {
  /** `webhook`, `email`, `slack`, `pagerduty`, `msteams`, `msteamsv2`, `telegram`, `discord`, `ntfy`, `gotify`. */
  readonly kind: string;
  /** Position among the receiver's integrations of this kind, from 0. */
  readonly index: number;
  /** Whether resolved alerts are delivered (the config's `send_resolved`). */
  readonly sendResolved: boolean;
  /**
   * Delivers one notification. Resolves once the peer accepted it; throws a NotifyError
   * (retryable or not) otherwise. Stops when `signal` aborts (timeout or shutdown).
   */
  send(n: Notification, signal: AbortSignal): Promise<void>;
}

/** What integrations need from Vigie at send time. */
export interface IntegrationDeps {
  /** Sent as the User-Agent, e.g. `Vigie/0.1.0`. */
  readonly userAgent: string;
  /**
   * Renders configured fields holding Go templates (`{{ … }}`); default: Vigie's default
   * library only (no `templates:` files).
   */
  readonly templates?: NotificationTemplates | undefined;
}

/** `webhook[0]`: how attempts, logs and the API name one integration. */
export function integrationName(i: Pick<Integration, 'kind' | 'index'>): string {
  return `${i.kind}[${i.index}]`;
}
