import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the scheduler reports about itself; seconds throughout. */
export interface ProbeMetricsSink {
  /** A probe started `seconds` after its planned start (waiting for its timer and for a slot). */
  lag(seconds: number): void;
  probed(job: string, success: boolean, seconds: number): void;
  /** `n` planned probes of `job` were skipped because the previous one ran late. */
  skipped(job: string, n: number): void;
}

export interface ProbeGaugeSources {
  readonly targets: () => number;
  readonly inFlight: () => number;
  readonly waiting: () => number;
}

/** Registers Vigie's `vigie_probe*` metrics on `registry` and returns the hooks that feed them. */
export function registerProbeMetrics(registry: Registry, g: ProbeGaugeSources): ProbeMetricsSink {
  const registers = [registry];
  const duration = new Histogram({
    name: 'vigie_probe_duration_seconds',
    help: 'Duration of the probes run by the probe scheduler, by job.',
    labelNames: ['job'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const total = new Counter({ name: 'vigie_probes_total', help: 'Probes run by the probe scheduler, by job and result (success or failure).', labelNames: ['job', 'result'], registers });
  const lag = new Histogram({
    name: 'vigie_probe_schedule_lag_seconds',
    help: 'Delay between the planned start of a probe and its actual start (timer lateness plus waiting for a concurrency slot).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers,
  });
  const skipped = new Counter({ name: 'vigie_probes_skipped_total', help: 'Planned probes skipped because the previous probe of the target ran past its slot.', labelNames: ['job'], registers });
  new Gauge({ name: 'vigie_probe_targets', help: 'Probe targets configured.', registers, collect() { this.set(g.targets()); } });
  new Gauge({ name: 'vigie_probes_in_flight', help: 'Probes running now.', registers, collect() { this.set(g.inFlight()); } });
  new Gauge({ name: 'vigie_probes_waiting', help: 'Probes due but waiting for a concurrency slot.', registers, collect() { this.set(g.waiting()); } });
  return {
    lag: (s) => lag.observe(Math.max(0, s)),
    probed: (job, success, s) => {
      duration.observe({ job }, s);
      total.inc({ job, result: success ? 'success' : 'failure' });
    },
    skipped: (job, n) => skipped.inc({ job }, n),
  };
}
