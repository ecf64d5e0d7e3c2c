import type { FastifyInstance } from 'fastify';
import type { HttpServerDeps } from './deps.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** GET /: a placeholder page until the web UI exists. */
export function registerHomeRoute(app: FastifyInstance, deps: HttpServerDeps): void {
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Vigie</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:0 .2em}</style>
</head>
<body>
<h1>Vigie</h1>
<p>Version <code>${escapeHtml(deps.version)}</code>. The web UI is not built yet.</p>
<ul>
<li><a href="/metrics">/metrics</a> &mdash; Vigie's own metrics</li>
<li><a href="/-/healthy">/-/healthy</a> &mdash; liveness</li>
<li><a href="/-/ready">/-/ready</a> &mdash; readiness</li>
</ul>
</body>
</html>
`;
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
