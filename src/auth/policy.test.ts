import assert from 'node:assert/strict';
import { it } from 'node:test';
import { requirementFor } from './policy.js';

it('maps routes to what they need, admin by default', () => {
  const cases: [string, string | undefined, string, string][] = [
    ['GET', '/-/healthy', '/-/healthy', 'public'],
    ['GET', '/*', '/assets/x.js', 'public'],
    ['POST', '/api/v1/login', '/api/v1/login', 'public'],
    ['GET', '/api/v1/query', '/api/v1/query', 'viewer'],
    ['POST', '/api/v1/query', '/api/v1/query', 'viewer'],
    ['POST', '/api/v1/series', '/api/v1/series', 'viewer'],
    ['HEAD', '/metrics', '/metrics', 'viewer'],
    ['GET', '/api/v1/users', '/api/v1/users', 'admin'],
    ['GET', '/api/v1/admin/tsdb/x', '/api/v1/admin/tsdb/x', 'admin'],
    ['POST', '/api/v1/admin/tsdb/snapshot', '/api/v1/admin/tsdb/snapshot', 'admin'],
    ['POST', '/api/v1/write', '/api/v1/write', 'write'],
    ['POST', '/api/v2/silences', '/api/v2/silences', 'editor'],
    ['DELETE', '/api/v2/silence/:id', '/api/v2/silence/x', 'editor'],
    ['PUT', '/api/v1/dashboards/:id', '/api/v1/dashboards/x', 'editor'],
    ['POST', '/-/reload', '/-/reload', 'admin'],
    ['POST', '/api/v1/something_new', '/api/v1/something_new', 'admin'],
    ['GET', '/debug/pprof', '/debug/pprof', 'admin'],
    ['GET', undefined, '/api/v1/nope', 'viewer'],
    ['GET', undefined, '/nope', 'public'],
  ];
  for (const [method, route, path, access] of cases) assert.equal(requirementFor(method, route, path).access, access, `${method} ${route ?? path}`);
  assert.equal(requirementFor('POST', '/api/v1/query', '/api/v1/query').read, true);
  assert.equal(requirementFor('POST', '/api/v2/silences', '/api/v2/silences').read, false);
  assert.equal(requirementFor('POST', '/x', '/x', [{ methods: ['POST'], route: '/x', access: 'editor' }]).access, 'editor');
});
