import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { labelsFromRecord } from '../model/index.js';
import type { IngestResult, RemoteWriteStats } from '../remote/index.js';
import { type Appendable, SampleRejectedError } from '../storage/index.js';
import { countingAppendable, registerSelfMetrics, remoteWriteReceiverMetrics } from './self-metrics.js';

describe('self metrics', () => {
  it('reads scrape, remote write and host stats at collection time', async () => {
    const registry = new Registry();
    let targets = [
      { scrapePool: 'api', health: 'up', lastScrapeDuration: 0.2 },
      { scrapePool: 'api', health: 'down', lastScrapeDuration: 0.4 },
      { scrapePool: 'db', health: 'unknown', lastScrapeDuration: 0 },
    ];
    const rw: RemoteWriteStats = {
      name: 'lts', url: 'http://x/api/v1/write', samplesEnqueued: 10, samplesSent: 7, samplesFailed: 1, samplesRetried: 2, samplesDropped: 0,
      samplesPending: 2, highestSentTimestamp: 1_700_000_000_000, highestEnqueuedTimestamp: 1_700_000_001_000, queueBytes: 123,
    };
    registerSelfMetrics(registry, {
      scrapeTargets: () => targets,
      remoteWrite: () => [rw],
      host: () => ({ collections: 3, durationSecondsTotal: 0.3, lastDurationSeconds: 0.1, lastSamples: 500, collectors: [{ name: 'cpu', durationSeconds: 0.01, success: true }] }),
    });
    let text = await registry.metrics();
    assert.match(text, /^vigie_scrape_targets\{job="api",health="up"\} 1$/m);
    assert.match(text, /^vigie_scrape_targets\{job="api",health="down"\} 1$/m);
    assert.match(text, /^vigie_scrape_targets\{job="db",health="unknown"\} 1$/m);
    assert.match(text, /^vigie_scrape_last_duration_seconds\{job="api",stat="max"\} 0\.4$/m);
    assert.match(text, /^vigie_scrape_last_duration_seconds\{job="api",stat="avg"\} 0\.3/m);
    assert.doesNotMatch(text, /vigie_scrape_last_duration_seconds\{job="db"/);
    assert.match(text, /^vigie_remote_write_samples_sent_total\{remote_name="lts",url="http:\/\/x\/api\/v1\/write"\} 7$/m);
    assert.match(text, /^vigie_remote_write_samples_pending\{remote_name="lts",url="[^"]+"\} 2$/m);
    assert.match(text, /^vigie_remote_write_highest_sent_timestamp_seconds\{[^}]+\} 1700000000$/m);
    assert.match(text, /^vigie_host_collections_total 3$/m);
    assert.match(text, /^vigie_host_collector_last_duration_seconds\{collector="cpu"\} 0\.01$/m);
    assert.match(text, /^vigie_host_collector_last_success\{collector="cpu"\} 1$/m);
    targets = [];
    text = await registry.metrics();
    assert.doesNotMatch(text, /^vigie_scrape_targets\{/m);
  });

  it('counts remote write receptions', async () => {
    const registry = new Registry();
    const observe = remoteWriteReceiverMetrics(registry);
    const r: IngestResult = {
      series: 2, samples: 10, appended: 7, rejected: { out_of_order: 2, duplicate: 0, too_old: 0, invalid: 0 }, firstRejection: 'x',
      invalidSeries: 1, invalidSamples: 1, invalidMessages: [], histograms: 0, exemplars: 0, metadata: 0,
    };
    observe(r);
    observe(r);
    const text = await registry.metrics();
    assert.match(text, /^vigie_remote_write_received_requests_total 2$/m);
    assert.match(text, /^vigie_remote_write_received_samples_total 20$/m);
    assert.match(text, /^vigie_remote_write_received_samples_stored_total 14$/m);
    assert.match(text, /^vigie_remote_write_received_samples_rejected_total\{reason="out_of_order"\} 4$/m);
    assert.match(text, /^vigie_remote_write_received_samples_rejected_total\{reason="invalid_labels"\} 2$/m);
  });

  it('counts scraped samples at commit', async () => {
    const registry = new Registry();
    let last = -Infinity;
    const inner: Appendable = {
      appender: () => ({
        append: (_ref, _l, t) => {
          if (t <= last) throw new SampleRejectedError('out_of_order', 'old');
          last = t;
          return 1;
        },
        commit: () => Promise.resolve(),
        rollback: () => undefined,
      }),
    };
    const wrapped = countingAppendable(inner, registry);
    const l = labelsFromRecord({ __name__: 'm' });
    let app = wrapped.appender();
    app.append(0, l, 1, 1);
    app.append(0, l, 2, 1);
    assert.throws(() => app.append(0, l, 1, 1), SampleRejectedError);
    await app.commit();
    app = wrapped.appender();
    app.append(0, l, 3, 1);
    app.rollback();
    const text = await registry.metrics();
    assert.match(text, /^vigie_scrape_samples_appended_total 2$/m);
    assert.match(text, /^vigie_scrape_samples_rejected_total\{reason="out_of_order"\} 1$/m);
  });
});
