// Here because only the composition root and the CLI may construct the TSDB (.dependency-cruiser.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config/index.js';
import { createLogger, type Clock } from '../common/index.js';
import { isStaleNaN, labelsFromRecord } from '../model/index.js';
import type { Appendable, Appender } from '../storage/index.js';
import { Db } from '../tsdb/index.js';
import { ScrapeManager } from '../scrape/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The real Db, with a count of the appends that went by ref and of those that carried labels. */
function counted(db: Db): Appendable & { byRef: number; byRefMissed: number; withLabels: number } {
  const c = {
    byRef: 0,
    byRefMissed: 0,
    withLabels: 0,
    appender(): Appender {
      const app = db.appender();
      return {
        append: (ref, labels, t, v) => {
          c.withLabels++;
          return app.append(ref, labels, t, v);
        },
        appendRef: (ref, t, v) => {
          const ok = app.appendRef!(ref, t, v);
          if (ok) c.byRef++;
          else c.byRefMissed++;
          return ok;
        },
        labelsOf: (ref) => app.labelsOf!(ref),
        commit: () => app.commit(),
        rollback: () => app.rollback(),
      };
    },
  };
  return c;
}

test('with the TSDB: known series go by ref; once the head forgot them, labels are rebuilt from the page and, for staleness markers, from the cached series text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-scrape-tsdb-'));
  const srv = { page: '', address: '' };
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(srv.page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  srv.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  let now = 1_700_000_000_000;
  const clock: Clock = { now: () => now };
  const db = await Db.open({ dir, logger: createLogger({ level: 'error', format: 'json' }), clock });
  const app = counted(db);
  const mgr = new ScrapeManager({ appendable: app, clock });
  try {
    const cfg = parseConfig(
      `scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ['${srv.address}']}]\n    metric_relabel_configs: [{source_labels: [a], regex: '1', target_label: b, replacement: one}]\n`,
      't.yml',
    ).config;
    await mgr.applyConfig(cfg.scrape_configs, cfg.global);
    const inst = srv.address;
    const m = labelsFromRecord({ __name__: 'm', a: '1', b: 'one', instance: inst, job: 'j' });
    const other = labelsFromRecord({ __name__: 'other', instance: inst, job: 'j' });
    const at = (labels: typeof m): number => db.head.series.lastValue[db.head.seriesByLabels(labels)]!;

    srv.page = 'm{a="1"} 1\nother{} 3\n';
    await mgr.scrapeAllNow();
    assert.equal(at(m), 1);
    assert.equal(app.byRef, 0, 'new series carry their labels');
    now += 15_000;
    srv.page = 'm{a="1"} 2\nother{} 4\n';
    await mgr.scrapeAllNow();
    assert.equal(app.byRef, 2 + 5, 'known series (and the report series) go by ref');
    assert.equal(at(m), 2);

    // The head drops every series (all its chunks end before mint), so the refs are stale.
    db.head.truncateBefore(now + 1);
    assert.equal(db.head.seriesByLabels(m), -1);
    now += 15_000;
    const before = app.withLabels;
    srv.page = 'm{a="1"} 5\n';
    await mgr.scrapeAllNow();
    assert.equal(app.byRefMissed, 2 + 5, 'm, the staleness marker of other and the report series missed by ref');
    assert.equal(app.withLabels - before, 2 + 5, 'm, other (stale) and the 5 report series carried labels');
    assert.equal(at(m), 5, 'm re-created with its relabeled labels');
    assert.ok(isStaleNaN(at(other)), 'other re-created from its cached text, with a staleness marker');
    assert.equal(db.head.numSeries(), 2 + 5);
  } finally {
    await mgr.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
