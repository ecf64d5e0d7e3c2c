import type { Registry } from 'prom-client';
import type { Clock, Logger } from '../common/index.js';
import { DEFAULT_PROBE_MODULES, type ProbeModule } from '../probe/index.js';
import type { RoutePlugin } from '../server/index.js';
import type { StateDb } from '../state/index.js';
import type { Appendable } from '../storage/index.js';
import { probeApiRoutes } from './api-routes.js';
import { IncidentStore } from './incidents.js';
import { probeRoute } from './probe-route.js';
import { type ProbeJobConfig, ProbeScheduler } from './scheduler.js';
import { type InstantQueryFunc, UptimeCalculator } from './uptime.js';

export interface UptimeServiceOptions {
  readonly appendable: Appendable;
  /** Holds the incident history; opened and closed by the caller (after `stop`). */
  readonly stateDb: StateDb;
  /** Reads stored `probe_success` for the uptime figures. */
  readonly query: InstantQueryFunc;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Probes in flight at most (default 256). */
  readonly maxConcurrency?: number;
  /** Consecutive failed (or slow) probes that open an incident (default 1). */
  readonly incidentAfter?: number;
  /** ms closed incidents are kept (default 90 days; 0 = forever). */
  readonly incidentRetentionMs?: number;
}

/**
 * Vigie's blackbox monitoring as the composition root uses it: the probe scheduler, the
 * incident history and uptime figures, and their HTTP routes (`/probe`, `/api/v1/probes`,
 * `/api/v1/probes/incidents`). Config modules are merged over the built-in ones (a config
 * module of the same name wins).
 */
export class UptimeService {
  readonly routes: readonly RoutePlugin[];
  private readonly scheduler: ProbeScheduler;

  constructor(opts: UptimeServiceOptions) {
    const incidents = new IncidentStore(opts.stateDb);
    this.scheduler = new ProbeScheduler({
      appendable: opts.appendable,
      clock: opts.clock,
      logger: opts.logger,
      registry: opts.registry,
      incidents,
      ...(opts.maxConcurrency !== undefined ? { maxConcurrency: opts.maxConcurrency } : {}),
      ...(opts.incidentAfter !== undefined ? { incidentAfter: opts.incidentAfter } : {}),
      ...(opts.incidentRetentionMs !== undefined ? { incidentRetentionMs: opts.incidentRetentionMs } : {}),
    });
    const uptime = new UptimeCalculator(opts.query, opts.clock, opts.logger);
    const s = this.scheduler;
    this.routes = [probeRoute({ modules: () => s.currentModules() }), probeApiRoutes({ clock: opts.clock, targets: () => s.targets(), incidents, uptime })];
  }

  /** Applies the `probes:` jobs and `probe_modules:` of a (re)loaded config. */
  applyConfig(jobs: readonly ProbeJobConfig[], modules: Readonly<Record<string, ProbeModule>>): Promise<void> {
    return this.scheduler.applyConfig(jobs, { ...DEFAULT_PROBE_MODULES, ...modules });
  }

  start(signal: AbortSignal): void {
    this.scheduler.start(signal);
  }

  /** Stops probing and waits for probes in flight (aborted). The state database stays open. */
  stop(): Promise<void> {
    return this.scheduler.stop();
  }
}
