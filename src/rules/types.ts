/**
 * A parsed, validated Prometheus rule file (the `groups:` format). Durations are ms.
 */
export interface RuleFile {
  /** Path the rules were read from (for messages and the API's `file` field). */
  readonly path: string;
  readonly groups: readonly RuleGroup[];
}

export interface RuleGroup {
  readonly name: string;
  /** ms; undefined = global.evaluation_interval. */
  readonly intervalMs?: number | undefined;
  /** Max alerts (alerting) or series (recording) a rule may produce; 0 = no limit. */
  readonly limit: number;
  /** ms to shift evaluation time back; undefined = 0 (or the global default). */
  readonly queryOffsetMs?: number | undefined;
  /** Labels added to every rule of the group (Prometheus 3 `labels:` on groups). */
  readonly labels: Readonly<Record<string, string>>;
  readonly rules: readonly Rule[];
}

export type Rule = RecordingRule | AlertingRule;

export interface RecordingRule {
  readonly kind: 'recording';
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  /** 1-based line of the rule in its file, for messages. */
  readonly line?: number | undefined;
}

export interface AlertingRule {
  readonly kind: 'alerting';
  readonly alert: string;
  readonly expr: string;
  /** ms; 0 = fire at once. */
  readonly forMs: number;
  /** ms; 0 = resolve as soon as the condition clears. */
  readonly keepFiringForMs: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly line?: number | undefined;
}
