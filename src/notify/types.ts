/**
 * Contracts between the alert router (route tree, grouping, inhibition, silences) and the
 * receivers that deliver notifications. Times are ms since the epoch.
 */

/** An alert as rules (or the /api/v2/alerts endpoint) hand it to the router. */
export interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ms. */
  readonly startsAt: number;
  /** ms; in the future (or 0 = unknown) while the alert fires, in the past once resolved. */
  readonly endsAt: number;
  readonly generatorURL: string;
}

/** One alert inside a notification, in the shape of Alertmanager's webhook payload (version 4). */
export interface NotifiedAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ms. */
  readonly startsAt: number;
  /** ms; 0 while firing (rendered as Go's zero time `0001-01-01T00:00:00Z`). */
  readonly endsAt: number;
  readonly generatorURL: string;
  /** 16 lowercase hex digits, Alertmanager's fingerprint of the label set. */
  readonly fingerprint: string;
}

/**
 * What a route sends to one receiver at a flush of one aggregation group; the data of
 * Alertmanager's notification templates and of the webhook payload.
 */
export interface Notification {
  /** Receiver name as in the config. */
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly NotifiedAlert[];
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  /** Base URL of this Vigie (the UI), for links. */
  readonly externalURL: string;
  /** Identifies the aggregation group, stable across restarts (`{}/{severity="page"}:{alertname="X"}`). */
  readonly groupKey: string;
  /** Alerts left out because of a receiver's `max_alerts`. */
  readonly truncatedAlerts: number;
}

/** Hands a notification to durable delivery (queue, retries, attempt log). Must not throw for a failed send. */
export type NotifyFunc = (n: Notification) => void;
