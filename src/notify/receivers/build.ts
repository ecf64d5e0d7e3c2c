import type { ReceiverConfig, ReceiverKind } from '../config/index.js';
import type { Notification } from '../types.js';
import { DiscordIntegration } from './discord.js';
import { EmailIntegration } from './email.js';
import { NotifyError } from './errors.js';
import { GotifyIntegration } from './gotify.js';
import type { Integration, IntegrationDeps } from './integration.js';
import { MsTeamsIntegration } from './msteams.js';
import { NtfyIntegration } from './ntfy.js';
import { PagerdutyIntegration } from './pagerduty.js';
import { SlackIntegration } from './slack.js';
import { TelegramIntegration } from './telegram.js';
import { WebhookIntegration } from './webhook.js';

/**
 * A receiver kind Alertmanager has and Vigie accepts in its config but cannot send to yet:
 * every send fails for good with a clear message (visible in the attempt log and the test action).
 */
export class UnsupportedIntegration implements Integration {
  readonly sendResolved = true;
  constructor(
    readonly kind: string,
    readonly index: number,
  ) {}

  send(_n: Notification, _signal: AbortSignal): Promise<void> {
    return Promise.reject(new NotifyError(`${this.kind} notifications are not supported by Vigie yet`, false, 'other'));
  }
}

type Build = (r: ReceiverConfig, deps: IntegrationDeps) => Integration[];

const each =
  <K extends ReceiverKind>(key: K, make: (c: NonNullable<ReceiverConfig[K]>[number], i: number, deps: IntegrationDeps) => Integration): Build =>
  (r, deps) =>
    ((r[key] ?? []) as readonly NonNullable<ReceiverConfig[K]>[number][]).map((c, i) => make(c, i, deps));

const unsupported =
  (key: ReceiverKind): Build =>
  (r) =>
    (r[key] ?? []).map((_c: unknown, i: number) => new UnsupportedIntegration(key.replace(/_configs$/, ''), i));

/** In Alertmanager's order of integrations within a receiver. */
const BUILDERS: readonly Build[] = [
  each('discord_configs', (c, i, d) => new DiscordIntegration(i, c, d)),
  each('email_configs', (c, i, d) => new EmailIntegration(i, c, d)),
  each('pagerduty_configs', (c, i, d) => new PagerdutyIntegration(i, c, d)),
  unsupported('opsgenie_configs'),
  unsupported('wechat_configs'),
  each('slack_configs', (c, i, d) => new SlackIntegration(i, c, d)),
  unsupported('victorops_configs'),
  each('webhook_configs', (c, i, d) => new WebhookIntegration(i, c, d)),
  unsupported('pushover_configs'),
  unsupported('sns_configs'),
  each('telegram_configs', (c, i, d) => new TelegramIntegration(i, c, d)),
  unsupported('webex_configs'),
  each('msteams_configs', (c, i, d) => new MsTeamsIntegration('msteams', i, c, d)),
  each('msteamsv2_configs', (c, i, d) => new MsTeamsIntegration('msteamsv2', i, c, d)),
  unsupported('jira_configs'),
  unsupported('rocketchat_configs'),
  unsupported('mattermost_configs'),
  unsupported('incidentio_configs'),
  each('ntfy_configs', (c, i, d) => new NtfyIntegration(i, c, d)),
  each('gotify_configs', (c, i, d) => new GotifyIntegration(i, c, d)),
];

/** The integrations of one configured receiver. */
export function buildIntegrations(r: ReceiverConfig, deps: IntegrationDeps): Integration[] {
  return BUILDERS.flatMap((b) => b(r, deps));
}

/** Receiver name → integrations, for `Delivery` (and `setReceivers` after a reload). */
export function buildReceivers(receivers: readonly ReceiverConfig[], deps: IntegrationDeps): Map<string, readonly Integration[]> {
  return new Map(receivers.map((r) => [r.name, buildIntegrations(r, deps)]));
}
