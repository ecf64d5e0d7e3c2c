import type { FastifyInstance } from 'fastify';
import type { RoutePlugin } from './http-server.js';

/** What the TSDB admin endpoints need from storage. */
export interface TsdbAdmin {
  /** Writes a snapshot of the database and returns its directory name (under `<data>/snapshots`). */
  snapshot(): Promise<string>;
}

/**
 * Prometheus' `POST /api/v1/admin/tsdb/snapshot` (also PUT): an online, consistent copy
 * of the database for backups. Answers `{status:"success", data:{name}}`.
 */
export function adminRoutes(admin: TsdbAdmin): RoutePlugin {
  return (app: FastifyInstance) => {
    app.route({
      method: ['POST', 'PUT'],
      url: '/api/v1/admin/tsdb/snapshot',
      handler: async () => ({ status: 'success', data: { name: await admin.snapshot() } }),
    });
  };
}
