// Composition root: builds the parts and connects them. Nothing imports this file but
// the CLI (lazily, so `vigie --help` loads no storage code).
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Auth } from './auth/index.js';
import { systemClock } from './common/index.js';
import { type VigieConfig, loadConfig } from './config/index.js';
import {
  type RunningServer,
  type ServerOptions,
  type StartServer,
  adminRoutes,
  countingAppendable,
  createHttpServer,
  exportRoute,
  federateRoute,
  registerSelfMetrics,
  ruleTimingMetrics,
  scrapeTimingMetrics,
  remoteWriteReceiverMetrics,
  remoteWriteRoute,
  createMetricsRegistry,
  uiRoute,
} from './server/index.js';
import { Db, type DbStats } from './tsdb/index.js';
import { registerMetaRoutes, registerQueryRoutes, registerStatusRoutes, registerTargetsRoute } from './api/index.js';
import { Engine } from './promql/index.js';
import { formatDuration } from './config/index.js';
import { hostCollectors, hostOptionsFromConfig } from './collect/index.js';
import { HostMonitor } from './host/index.js';
import { createRemoteWrite } from './remote/index.js';
import { RemoteQueryable } from './remoteread/index.js';
import { ScrapeManager } from './scrape/index.js';
import { teeAppendable, type Appendable, type Queryable } from './storage/index.js';
import {
  AlertHistory,
  type RuleAlert,
  type RuleFile,
  RuleManager,
  generateAlertRules,
  generateInputFromConfig,
  loadRuleFiles,
  parseRuleFile,
  ruleRoutes,
} from './rules/index.js';
import { openStateDb } from './state/index.js';
import { UptimeService } from './uptime/index.js';
import { dashboardRoutes, openDashboardStore } from './dashboards/index.js';
import { AlertRouter, Delivery, Forwarder, NotificationTemplates, Silences, alertingConfigText, alertmanagerApiRoutes, buildReceivers, notificationRoutes } from './notify/index.js';

/** The `file` of the generated rules in /api/v1/rules (no file on disk). */
const GENERATED_RULES_PATH = '<generated>/alert.rules.yml';

/** The built web UI: dist/src/main.js → <repo>/ui/dist (built by `make build`). */
const UI_DIR = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

export const startServer: StartServer = async (opts: ServerOptions): Promise<RunningServer> => {
  const log = opts.logger;
  await mkdir(opts.dataDir, { recursive: true });
  let config: VigieConfig = opts.config;
  // Rule files (rule_files, relative to the config file's directory): a bad file fails the start,
  // and fails a reload before anything of the new config is applied (the old rules keep running).
  const configDir = opts.configFile !== undefined ? dirname(opts.configFile) : process.cwd();
  // With no rule_files, the rules `vigie rules generate` would write for this config run.
  const loadRules = async (c: VigieConfig): Promise<RuleFile[]> =>
    c.rule_files.length > 0 ? loadRuleFiles(c.rule_files, configDir) : [parseRuleFile(generateAlertRules(generateInputFromConfig(c)), GENERATED_RULES_PATH)];
  // Read before anything is opened: a bad rule file or retention leaves nothing to clean up.
  const initialRules = await loadRules(config);
  // Notification templates (alerting.templates, relative to the config file's directory).
  const loadTemplates = (c: VigieConfig): NotificationTemplates => NotificationTemplates.load(c.alerting.templates, configDir, systemClock);
  const initialTemplates = loadTemplates(config);
  if (config.storage.out_of_order_time_window > 0) {
    log.warn('storage.out_of_order_time_window is not supported yet: out-of-order samples are rejected');
  }
  const st = config.storage;
  const db = await Db.open({
    dir: join(opts.dataDir, 'tsdb'),
    logger: log.child({ component: 'tsdb' }),
    clock: systemClock,
    retentionTime: st.retention.time === 0 ? Number.MAX_SAFE_INTEGER : st.retention.time,
    retentionSize: st.retention.size,
    walSegmentSize: st.wal.segment_size,
    walSyncInterval: st.wal.sync_interval,
    // bin/vigie starts Node with --expose-gc for this (see bench/README.md, memory).
    ...(typeof globalThis.gc === 'function' ? { releaseMemory: () => globalThis.gc?.() } : {}),
  });
  // Users, tokens, sessions and the audit log live in the state database; every route is guarded.
  const stateDb = openStateDb(join(opts.dataDir, 'vigie.db'));
  let auth: Auth;
  try {
    auth = await Auth.open({
      db: stateDb,
      config: () => config.auth,
      clock: systemClock,
      logger: log.child({ component: 'auth' }),
      envToken: process.env['VIGIE_API_TOKEN'],
      announce: (text) => void process.stderr.write(text),
    });
  } catch (e) {
    stateDb.close();
    await db.close();
    throw e;
  }
  // Remote write out: what storage acknowledged is queued on disk and sent on (reloaded with the config).
  let remote = config.remote_write.length > 0 ? newRemoteWrite(config) : undefined;
  function newRemoteWrite(c: VigieConfig): ReturnType<typeof createRemoteWrite> {
    return createRemoteWrite({
      configs: c.remote_write,
      externalLabels: c.global.external_labels,
      dataDir: opts.dataDir,
      logger: log.child({ component: 'remote_write' }),
      userAgent: `Vigie/${opts.version}`,
    });
  }
  const appendable: Appendable = teeAppendable(db, (samples) => remote?.enqueue(samples), () => remote !== undefined);
  const registry = createMetricsRegistry(opts.version);
  const scrape = new ScrapeManager({ appendable: countingAppendable(appendable, registry), onScrape: scrapeTimingMetrics(registry), clock: systemClock, logger: log.child({ component: 'scrape' }) });
  await scrape.applyConfig(config.scrape_configs, config.global);

  // Set once listening (the manager needs the real address for alerts' links).
  const rules: { manager?: RuleManager } = {};
  // Alerting: Alertmanager-shaped routing of the alerts rules (and /api/v2/alerts) put in.
  // Silences live in the state database opened above.
  const notifyLog = log.child({ component: 'notify' });
  const silences = new Silences({ db: stateDb, clock: systemClock });
  // Links in notifications: alerting.external_url, else the address bound (known after listen).
  let boundURL = `http://${opts.listen.host}:${opts.listen.port}`;
  const externalURL = (): string => (config.alerting.external_url !== '' ? config.alerting.external_url : boundURL);
  const integrationDeps = { userAgent: `Vigie/${opts.version}`, templates: initialTemplates };
  // Durable delivery: a queue in the state database, retries, the attempt log.
  const delivery = new Delivery({ db: stateDb, registry, logger: notifyLog, receivers: buildReceivers(config.alerting.receivers, integrationDeps), clock: systemClock, externalURL: externalURL() });
  const router = new AlertRouter({ config: config.alerting, clock: systemClock, notify: delivery.notify, silences, db: stateDb, logger: notifyLog, externalURL });
  // Teams that already run an Alertmanager get the same alerts (alerting.alertmanagers).
  const forwarder = new Forwarder({ targets: config.alerting.alertmanagers, registry, logger: notifyLog.child({ component: 'forward' }), userAgent: `Vigie/${opts.version}` });

  let ready = false;
  const reload = async (): Promise<void> => {
    const loaded = await loadConfig(opts.configFile);
    for (const w of loaded.warnings) log.warn(w);
    const ruleFiles = await loadRules(loaded.config);
    const templates = loadTemplates(loaded.config);
    config = loaded.config;
    await rules.manager?.update(ruleFiles, { evaluationIntervalMs: config.global.evaluation_interval, externalLabels: config.global.external_labels });
    // Jobs that cannot start are reported once the rest of the config is applied.
    const scrapeFailure = await scrape.applyConfig(config.scrape_configs, config.global).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    await uptime.applyConfig(config.probes, config.probe_modules);
    await remote?.close();
    remote = config.remote_write.length > 0 ? newRemoteWrite(config) : undefined;
    delivery.setReceivers(buildReceivers(config.alerting.receivers, { ...integrationDeps, templates }));
    router.applyConfig(config.alerting);
    forwarder.setTargets(config.alerting.alertmanagers);
    if (scrapeFailure !== undefined) throw scrapeFailure;
  };

  registerStorageMetrics(registry, () => db.stats());
  const snapshot = async (): Promise<string> => {
    const name = `${new Date(systemClock.now()).toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(8).toString('hex')}`;
    await db.snapshot(join(opts.dataDir, 'snapshots', name));
    log.info({ name }, 'snapshot written');
    return name;
  };
  // PromQL and the query API read the local TSDB, or a remote store (query.remote_url; read at start, not on reload).
  const qc = config.query;
  const engine = new Engine({ lookbackDelta: qc.lookback_delta, timeoutMs: qc.timeout, maxSamples: qc.max_samples, logger: log.child({ component: 'query' }), clock: systemClock });
  const queryable: Queryable =
    qc.remote_url === undefined
      ? db
      : new RemoteQueryable({ url: qc.remote_url, timeoutMs: qc.remote_timeout, headers: qc.headers, basicAuth: qc.basic_auth, authorization: qc.authorization, userAgent: `Vigie/${opts.version}` });
  if (qc.remote_url !== undefined) log.info({ url: qc.remote_url }, 'queries read from a remote store');
  // Alert history in the state database (shared with other owners; each keeps its own tables).
  const alertHistory = new AlertHistory(stateDb, { retentionMs: config.alerting.history_retention, clock: systemClock, logger: log.child({ component: 'alert_history' }) });
  // Blackbox probes, their incidents (state database) and uptime read back through PromQL.
  const uptime = new UptimeService({
    appendable,
    stateDb,
    query: async (expr, t, signal) => {
      const r = await engine.instantQuery(queryable, expr, t, signal);
      return r.type === 'vector' ? r.value : [];
    },
    registry,
    clock: systemClock,
    logger: log.child({ component: 'probe' }),
  });
  await uptime.applyConfig(config.probes, config.probe_modules);
  const http = createHttpServer(
    { logger: log.child({ component: 'http' }), registry, isReady: () => ready, reload, config: () => config, version: opts.version },
    [
      adminRoutes({ snapshot }),
      remoteWriteRoute({ appendable, logger: log.child({ component: 'remote_write_receiver' }), onIngest: remoteWriteReceiverMetrics(registry) }),
      exportRoute({ queryable: db, now: () => systemClock.now() }),
      federateRoute({ queryable: db, now: () => systemClock.now() }),
      alertmanagerApiRoutes({ router, silences, clock: systemClock, startedAt: systemClock.now(), version: opts.version, configText: () => alertingConfigText(config.alerting) }),
      notificationRoutes(delivery),
      ...uptime.routes,
      dashboardRoutes({ store: openDashboardStore(stateDb, systemClock), actorOf: (r) => auth.principalOf(r)?.name ?? 'anonymous', audit: auth.audit }),
      (app, deps) => {
        const q = { queryable, engine, clock: systemClock, timeoutMs: qc.timeout };
        registerQueryRoutes(app, q);
        registerMetaRoutes(app, q);
        registerTargetsRoute(app, { active: () => scrape.targets(), dropped: () => scrape.droppedTargets(), droppedCounts: () => scrape.droppedTargetCounts() });
        ruleRoutes({ groups: () => rules.manager?.groups() ?? [], history: alertHistory })(app, deps);
        registerStatusRoutes(app, {
          version: opts.version,
          startTime: new Date(systemClock.now()),
          config: () => config,
          flags: { 'config.file': opts.configFile ?? '', 'storage.tsdb.path': opts.dataDir, 'web.listen-address': `${opts.listen.host}:${opts.listen.port}` },
          tsdbStatus: () => Promise.resolve(db.headStatus()),
          storageRetention: formatDuration(config.storage.retention.time),
        });
      },
      // Last: its catch-all GET serves index.html for the UI's client-side routes.
      uiRoute({ dir: UI_DIR }),
    ],
  );
  auth.install(http.app);
  // The machine Vigie runs on, with node_exporter's names and the labels a scrape of it gets.
  const host = config.host.enabled
    ? new HostMonitor({
        collectors: hostCollectors(hostOptionsFromConfig(config.host)),
        appendable,
        intervalMs: config.host.interval ?? config.global.scrape_interval,
        targetLabels: [['instance', hostname()], ['job', 'node']],
        clock: systemClock,
        logger: log.child({ component: 'host' }),
      })
    : undefined;
  registerSelfMetrics(registry, { scrapeTargets: () => scrape.targets(), remoteWrite: () => remote?.stats() ?? [], host: () => host?.stats() });
  let address;
  try {
    address = await http.listen(opts.listen.host, opts.listen.port);
    boundURL = `http://${address.host}:${address.port}`;
  } catch (e) {
    await delivery.close();
    await forwarder.close();
    stateDb.close();
    await db.close();
    throw e;
  }
  // Rules start once the real address is known (alerts link back to it).
  const ruleManager = new RuleManager({
    engine,
    queryable,
    appendable,
    // Rules' alerts go to the built-in router and to any external Alertmanager.
    sendAlerts: (alerts: readonly RuleAlert[]) => {
      router.put(alerts);
      forwarder.send(alerts);
    },
    evaluationIntervalMs: config.global.evaluation_interval,
    externalLabels: config.global.external_labels,
    externalURL: `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`,
    onTransitions: (t) => alertHistory.record(t),
    onEvaluated: ruleTimingMetrics(registry, () => rules.manager?.groups() ?? []),
    clock: systemClock,
    logger: log.child({ component: 'rules' }),
  });
  await ruleManager.update(initialRules);
  rules.manager = ruleManager;
  ruleManager.start();
  alertHistory.start();
  host?.start();
  const stopping = new AbortController();
  await scrape.start(stopping.signal);
  delivery.start();
  router.start(stopping.signal);
  uptime.start(stopping.signal);
  ready = true;
  return {
    address,
    reload,
    closeables: [
      { name: 'http', close: () => http.close() },
      { name: 'host', close: async () => host?.stop() },
      { name: 'scrape', close: async () => (stopping.abort(), scrape.stop()) },
      { name: 'rules', close: () => ruleManager.stop() },
      { name: 'probes', close: () => uptime.stop() },
      { name: 'remote_write', close: async () => remote?.close() },
      { name: 'alert_router', close: () => Promise.resolve(router.stop()) },
      { name: 'notify_delivery', close: () => delivery.close() },
      { name: 'alertmanager_forward', close: () => forwarder.close() },
      { name: 'storage', close: () => db.close() },
      {
        name: 'state',
        close: () => {
          alertHistory.stop();
          stateDb.close();
          return Promise.resolve();
        },
      },
    ],
  };
};

/** Exposes the storage engine's counters as `vigie_tsdb_*` metrics, read at scrape time. */
function registerStorageMetrics(registry: Registry, stats: () => DbStats): void {
  const gauge = (name: string, help: string, read: (s: DbStats) => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read(stats())); } });
  };
  const counter = (name: string, help: string, read: (s: DbStats) => number): void => {
    new Counter({ name, help, registers: [registry], collect() { this.reset(); this.inc(read(stats())); } });
  };
  gauge('vigie_tsdb_head_series', 'Series held in the head.', (s) => s.headSeries);
  gauge('vigie_tsdb_head_min_time_seconds', 'Oldest sample time in the head (0 when empty).', (s) => (Number.isFinite(s.headMinTime) ? s.headMinTime / 1000 : 0));
  gauge('vigie_tsdb_head_max_time_seconds', 'Newest sample time in the head (0 when empty).', (s) => (Number.isFinite(s.headMaxTime) ? s.headMaxTime / 1000 : 0));
  gauge('vigie_tsdb_blocks_loaded', 'Persisted blocks being served.', (s) => s.blocks);
  gauge('vigie_tsdb_storage_blocks_bytes', 'Bytes of the persisted blocks.', (s) => s.blockBytes);
  gauge('vigie_tsdb_wal_bytes', 'Bytes of the write-ahead log.', (s) => s.walBytes);
  counter('vigie_tsdb_head_samples_appended_total', 'Samples appended to the head.', (s) => s.samplesAppended);
  counter('vigie_tsdb_head_series_created_total', 'Series created in the head.', (s) => s.seriesCreated);
  counter('vigie_tsdb_head_series_removed_total', 'Series removed from the head.', (s) => s.seriesRemoved);
  counter('vigie_tsdb_head_chunks_created_total', 'Chunks created in the head.', (s) => s.chunksCreated);
  counter('vigie_tsdb_compactions_total', 'Block compactions done.', (s) => s.compactions);
  counter('vigie_tsdb_compactions_failed_total', 'Storage maintenance runs that failed.', (s) => s.compactionFailures);
  counter('vigie_tsdb_head_truncations_total', 'Head ranges persisted to blocks.', (s) => s.headTruncations);
  counter('vigie_tsdb_retention_deletions_total', 'Blocks deleted by retention.', (s) => s.retentionDeletions);
  const rejected = new Counter({
    name: 'vigie_tsdb_samples_rejected_total',
    help: 'Samples refused by the head, by reason (out_of_order, duplicate, too_old, invalid).',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats().rejected)) this.inc({ reason }, n);
    },
  });
  void rejected;
}
