// composition root — lead will wire the TSDB here
//
// Minimal stub so `vigie server` runs before the storage engine is wired: it starts the
// HTTP server with no storage. The CLI (src/cli/index.ts) imports `startServer` from here;
// whatever replaces this file must keep exporting `startServer: StartServer`.
import { mkdir } from 'node:fs/promises';
import { type VigieConfig, loadConfig } from './config/index.js';
import { type RunningServer, type ServerOptions, type StartServer, createHttpServer, createMetricsRegistry } from './server/index.js';

export const startServer: StartServer = async (opts: ServerOptions): Promise<RunningServer> => {
  const log = opts.logger;
  await mkdir(opts.dataDir, { recursive: true });

  let config: VigieConfig = opts.config;
  let ready = false;
  const reload = async (): Promise<void> => {
    const loaded = await loadConfig(opts.configFile);
    for (const w of loaded.warnings) log.warn(w);
    config = loaded.config;
  };

  const registry = createMetricsRegistry(opts.version);
  const http = createHttpServer({
    logger: log.child({ component: 'http' }),
    registry,
    isReady: () => ready,
    reload,
    config: () => config,
    version: opts.version,
  });
  const address = await http.listen(opts.listen.host, opts.listen.port);
  ready = true;
  return {
    address,
    reload,
    closeables: [{ name: 'http', close: () => http.close() }],
  };
};
