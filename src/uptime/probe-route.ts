import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { type ProbeModule, renderProbeExposition, runProbe } from '../probe/index.js';
import type { RoutePlugin } from '../server/index.js';

export interface ProbeRouteDeps {
  /** The modules in force now (built-in ones merged with the config's). */
  readonly modules: () => Readonly<Record<string, ProbeModule>>;
  /** Seconds subtracted from Prometheus' scrape timeout header (blackbox_exporter's --timeout-offset, default 0.5). */
  readonly timeoutOffsetSeconds?: number;
}

const EXPOSITION_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** blackbox_exporter's timeout when Prometheus sends no X-Prometheus-Scrape-Timeout-Seconds. */
const DEFAULT_TIMEOUT_SECONDS = 120;

/**
 * The probe timeout in seconds for a `/probe` request, as blackbox_exporter picks it: the
 * scrape timeout Prometheus announces (120 s without the header) minus `offset`, unless the
 * module's own timeout is set and shorter, or the subtraction went negative. Throws on a header
 * that is not a number.
 */
export function requestTimeoutSeconds(header: string | undefined, moduleTimeoutMs: number, offset: number): number {
  let t = 0;
  if (header !== undefined && header !== '') {
    t = Number(header);
    if (!Number.isFinite(t)) throw new RangeError(`invalid X-Prometheus-Scrape-Timeout-Seconds ${JSON.stringify(header)}: not a number`);
  }
  if (t === 0) t = DEFAULT_TIMEOUT_SECONDS;
  const max = t - offset;
  const mod = moduleTimeoutMs / 1000;
  return (mod > 0 && mod < max) || max < 0 ? mod : max;
}

/**
 * `GET /probe?module=M&target=T[&debug=true][&hostname=H]`, answered as blackbox_exporter
 * answers it, so that a Prometheus can scrape Vigie as its blackbox exporter: 400 on a missing
 * target or an unknown module (`module` defaults to `http_2xx`), the probe's metrics in the text
 * exposition format, or with `debug=true` a plain-text report (logs, metrics, module).
 */
export function probeRoute(deps: ProbeRouteDeps): RoutePlugin {
  const offset = deps.timeoutOffsetSeconds ?? 0.5;
  return (app: FastifyInstance) => {
    app.get('/probe', async (req: FastifyRequest, reply: FastifyReply) => {
      const q = new URL(req.url, 'http://localhost').searchParams;
      const moduleName = q.get('module') || 'http_2xx';
      const module = deps.modules()[moduleName];
      if (module === undefined) return reply.code(400).type('text/plain; charset=utf-8').send(`Unknown module "${moduleName}"\n`);
      const target = q.get('target') ?? '';
      if (target === '') return reply.code(400).type('text/plain; charset=utf-8').send('Target parameter is missing\n');
      let timeoutSeconds: number;
      try {
        timeoutSeconds = requestTimeoutSeconds(req.headers['x-prometheus-scrape-timeout-seconds'] as string | undefined, module.timeout, offset);
      } catch (err) {
        return reply.code(500).type('text/plain; charset=utf-8').send(`Failed to parse timeout from Prometheus header: ${(err as Error).message}\n`);
      }
      const hostname = q.get('hostname') ?? undefined;
      const ctl = new AbortController();
      const onClose = (): void => {
        if (!reply.raw.writableEnded) ctl.abort(new Error('the client went away'));
      };
      reply.raw.once('close', onClose);
      try {
        const result = await runProbe(module, target, { signal: ctl.signal, timeoutMs: timeoutSeconds * 1000, ...(hostname !== undefined && hostname !== '' ? { hostname } : {}) });
        if (q.get('debug') === 'true') {
          const text = `Logs for the probe:\n${result.logs.map((l) => `${l}\n`).join('')}\n\n\nMetrics that would have been returned:\n${renderProbeExposition(result)}\n\n\nModule configuration:\n${stringify(module)}`;
          return reply.type('text/plain; charset=utf-8').send(text);
        }
        return reply.type(EXPOSITION_TYPE).send(renderProbeExposition(result));
      } finally {
        reply.raw.off('close', onClose);
      }
    });
  };
}
