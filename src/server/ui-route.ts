import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastifyStatic } from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, isApiPath } from './api-error.js';
import type { HttpServerDeps } from './deps.js';
import type { RoutePlugin } from './http-server.js';

export interface UiRouteOptions {
  /** Absolute path of the built web UI (the repository's ui/dist): index.html and assets/. */
  readonly dir: string;
}

/** Hashed build output: safe to cache for a year. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: the browser must revalidate it every time. */
export const INDEX_CACHE_CONTROL = 'no-cache';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page at / when the UI has not been built. */
function missingUiPage(version: string, dir: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Vigie</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}code{background:rgba(128,128,128,.2);padding:0 .2em}</style>
</head>
<body>
<h1>Vigie</h1>
<p>Version <code>${escapeHtml(version)}</code>. The web UI is not built: run <code>make build</code> in the source tree (it builds <code>${escapeHtml(dir)}</code>), then reload this page.</p>
<ul>
<li><a href="/metrics">/metrics</a> &mdash; Vigie's own metrics</li>
<li><a href="/-/healthy">/-/healthy</a> &mdash; liveness</li>
<li><a href="/-/ready">/-/ready</a> &mdash; readiness</li>
</ul>
</body>
</html>
`;
}

/** True for a path that names a file (its last segment has a dot): those are never client-side routes. */
function looksLikeFile(path: string): boolean {
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes('.');
}

/**
 * Serves the web UI at `/`: the files of `dir` (precompressed .br/.gz siblings are sent to
 * browsers that accept them; hashed assets cached for a year, index.html revalidated), and
 * index.html for any other GET of a non-API path without a file extension, so that client-side
 * routes (/hosts/x, /explore?q=...) load the app. Unknown /api/ paths keep Prometheus' JSON 404.
 * index.html is read once, when the plugin is registered (rebuild → restart). When `dir` has
 * no index.html (UI not built), `/` says to run `make build` instead.
 */
export function uiRoute(opts: UiRouteOptions): RoutePlugin {
  return (app: FastifyInstance, deps: HttpServerDeps) => {
    // `/` itself is answered from a hook: BASE_ROUTES already has a placeholder GET / route,
    // which this shadows (a hook runs before the route handler).
    const indexFile = join(opts.dir, 'index.html');
    const built = existsSync(indexFile);
    if (!built) deps.logger.warn({ dir: opts.dir }, 'web UI not built (run make build): / shows a notice');
    const rootPage = built ? readFileSync(indexFile) : Buffer.from(missingUiPage(deps.version, opts.dir));
    app.addHook('onRequest', (request, reply, done) => {
      if ((request.method === 'GET' || request.method === 'HEAD') && (request.url === '/' || request.url.startsWith('/?'))) {
        void reply.type('text/html; charset=utf-8').header('cache-control', INDEX_CACHE_CONTROL).send(rootPage);
        return;
      }
      done();
    });
    if (!built) return;
    void app.register(async (ui) => {
      await ui.register(fastifyStatic, {
        root: opts.dir,
        prefix: '/',
        wildcard: false,
        index: false,
        preCompressed: true,
        cacheControl: false,
        globIgnore: ['**/*.gz', '**/*.br'],
        setHeaders: (reply, path) => {
          reply.header('cache-control', path.endsWith('index.html') ? INDEX_CACHE_CONTROL : path.includes('/assets/') ? ASSET_CACHE_CONTROL : 'public, max-age=3600');
        },
      });
      const sendIndex = (_request: FastifyRequest, reply: FastifyReply): FastifyReply => reply.header('cache-control', INDEX_CACHE_CONTROL).sendFile('index.html');
      ui.get('/*', (request, reply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (isApiPath(path)) throw new ApiError('not_found', `no API endpoint ${request.method} ${path}`);
        if (looksLikeFile(path)) return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n');
        return sendIndex(request, reply);
      });
    });
  };
}
