/**
 * Contracts of the blackbox probers. A prober is pure: it probes one target and returns what
 * it measured; it knows nothing of storage, scheduling or HTTP routes.
 */

/** One sample of a probe's result, named and labelled as blackbox_exporter names it. */
export interface ProbeMetric {
  /** e.g. `probe_http_duration_seconds`. */
  readonly name: string;
  /** The `# HELP` text of the family (same for every sample of a name). */
  readonly help: string;
  /** Labels of this sample besides the target labels, e.g. `{ phase: 'connect' }`; none = {}. */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What one probe of one target measured. */
export interface ProbeResult {
  readonly success: boolean;
  /** Wall-clock seconds of the whole probe. */
  readonly durationSeconds: number;
  /** Why the probe failed, one human sentence (`connection refused`, `status 500 not in 2xx`); undefined on success. */
  readonly failureReason?: string | undefined;
  /**
   * Every sample, including `probe_success`, `probe_duration_seconds` and, on failure,
   * `probe_failure_reason{reason="..."} 1`, in the order blackbox_exporter renders them
   * (families sorted by name).
   */
  readonly metrics: readonly ProbeMetric[];
  /** Debug log of the probe (what `/probe?debug=true` prints). */
  readonly logs: readonly string[];
}

export interface ProbeOptions {
  /** Aborts the probe: it then resolves (never rejects) with success=false and the reason. */
  readonly signal: AbortSignal;
  /** ms; the probe gives up after this, with success=false. */
  readonly timeoutMs: number;
}
