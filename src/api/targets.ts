import type { FastifyInstance } from 'fastify';
import { params, one } from './params.js';

/** What /api/v1/targets reads: the scrape manager's views, already in Prometheus' shapes. */
export interface TargetsDeps {
  readonly active: () => readonly { readonly scrapePool: string }[];
  readonly dropped: () => readonly { readonly scrapePool: string }[];
  /**
   * Dropped targets per pool, every pool listed, counting those keep_dropped_targets did not
   * keep (Prometheus' droppedTargetCounts); default: counted from `dropped`.
   */
  readonly droppedCounts?: () => Readonly<Record<string, number>>;
}

/**
 * `GET /api/v1/targets?state=active|dropped|any&scrapePool=NAME`, as Prometheus answers it:
 * `{activeTargets, droppedTargets, droppedTargetCounts}`.
 */
export function registerTargetsRoute(app: FastifyInstance, deps: TargetsDeps): void {
  app.get('/api/v1/targets', (req) => {
    const p = params(req);
    const state = (one(p, 'state') ?? 'any').toLowerCase();
    const pool = one(p, 'scrapePool');
    const inPool = (t: { scrapePool: string }): boolean => pool === undefined || pool === '' || t.scrapePool === pool;
    const dropped = deps.dropped();
    let counts: Readonly<Record<string, number>>;
    if (deps.droppedCounts !== undefined) counts = deps.droppedCounts();
    else {
      const c: Record<string, number> = {};
      for (const t of dropped) c[t.scrapePool] = (c[t.scrapePool] ?? 0) + 1;
      counts = c;
    }
    return Promise.resolve({
      status: 'success',
      data: {
        activeTargets: state === 'dropped' ? [] : deps.active().filter(inPool),
        droppedTargets: state === 'active' ? [] : dropped.filter(inPool),
        droppedTargetCounts: counts,
      },
    });
  });
}
