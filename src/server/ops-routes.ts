import type { FastifyInstance } from 'fastify';
import type { HttpServerDeps } from './deps.js';

/** Prometheus' lifecycle endpoints: /-/healthy, /-/ready, /-/reload (POST or PUT). */
export function registerOpsRoutes(app: FastifyInstance, deps: HttpServerDeps): void {
  app.get('/-/healthy', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Vigie is Healthy.\n'));

  app.get('/-/ready', async (_request, reply) => {
    if (deps.isReady()) return reply.type('text/plain; charset=utf-8').send('Vigie is Ready.\n');
    return reply.code(503).type('text/plain; charset=utf-8').send('Service Unavailable\n');
  });

  app.route({
    method: ['POST', 'PUT'],
    url: '/-/reload',
    handler: async (_request, reply) => {
      try {
        await deps.reload();
      } catch (err) {
        deps.logger.error({ err }, 'reload failed');
        const text = err instanceof Error ? err.message : String(err);
        return reply.code(500).type('text/plain; charset=utf-8').send(`failed to reload config: ${text}\n`);
      }
      deps.logger.info('configuration reloaded');
      return reply.type('text/plain; charset=utf-8').send('');
    },
  });
}
