import type { Labels } from '../model/index.js';
import { VigieError } from '../common/index.js';

/**
 * What rules exchange with the rest of Vigie, as function types (rules never import the
 * notifier). Times are ms since the epoch.
 */

/** An alert leaving the rules, structurally identical to src/notify's `Alert`. */
export interface RuleAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ms: when the alert started firing. */
  readonly startsAt: number;
  /** ms: in the future while firing (now + 4 × max(resend delay, interval)), the resolution time once resolved. */
  readonly endsAt: number;
  readonly generatorURL: string;
}

/** Hands alerts to the router. Must not throw; called from the evaluation loop. */
export type SendAlerts = (alerts: readonly RuleAlert[]) => void;

/** One element of an instant vector as rules see it. */
export interface RuleSample {
  readonly metric: Labels;
  readonly v: number;
}

/**
 * Evaluates a PromQL expression at `tMs` (an instant query): a vector, or a scalar as one
 * sample without labels. Rejects for other result types and engine errors.
 */
export type QueryFunc = (expr: string, tMs: number, signal?: AbortSignal) => Promise<readonly RuleSample[]>;

/** A rule evaluation failed (the message is Prometheus' where it has one). */
export class RuleEvalError extends VigieError {
  override name = 'RuleEvalError';
}

/** The rule state every Prometheus API shape knows. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

/** Alert instance state; `inactive` instances are resolved ones kept to be sent as resolved. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** One state change of an alert instance, for the history (stored) and the logs. */
export interface AlertTransition {
  readonly alertname: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number;
  /** `resolved`: the alert left pending or firing (see `from`). */
  readonly state: 'pending' | 'firing' | 'resolved';
  /** The state before the change (`inactive` for a new alert). */
  readonly from: AlertState;
  /** ms. */
  readonly t: number;
}
