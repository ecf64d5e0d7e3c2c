import { type Logger, type LoggerOptions, createLogger } from '../common/index.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { type RunningServer, type StartServer, formatListenAddress } from '../server/index.js';
import type { ServerFlags } from './args.js';

/** Where signals come from; `process` in production, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface ServerCommandEnv {
  /** The composition root (src/main.ts `startServer`). */
  readonly start: StartServer;
  readonly version: string;
  /** For messages a person must read even with JSON logs (bad config). */
  readonly stderr: (text: string) => void;
  readonly signals: SignalSource;
  /** Called on a second SIGINT/SIGTERM during shutdown; production passes process.exit. */
  readonly forceExit: (code: number) => void;
  /** Defaults to common's createLogger; tests pass a silent one. */
  readonly makeLogger?: (opts: LoggerOptions) => Logger;
}

/** Exit code when the forced exit (second signal) happens. */
export const FORCED_EXIT_CODE = 130;

/**
 * `vigie server`: load the config, start through env.start, then wait for a signal.
 * SIGHUP reloads (one at a time); the first SIGINT/SIGTERM closes running.closeables in order
 * and resolves 0 (1 if one failed to close); a second one calls env.forceExit.
 * Resolves 1 when the config is invalid or the start fails.
 */
export async function runServerCommand(flags: ServerFlags, env: ServerCommandEnv): Promise<number> {
  const logger = (env.makeLogger ?? createLogger)({ level: flags.logLevel, format: flags.logFormat });

  let stopSignal: NodeJS.Signals | undefined;
  let onStop: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  let running: RunningServer | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const onTerm = (sig: NodeJS.Signals) => () => {
    if (stopSignal !== undefined) {
      logger.warn({ signal: sig }, 'second signal during shutdown: forcing exit');
      env.forceExit(FORCED_EXIT_CODE);
      return;
    }
    stopSignal = sig;
    logger.info({ signal: sig }, 'shutting down (send the signal again to force)');
    onStop?.();
  };
  const onInt = onTerm('SIGINT');
  const onTermSig = onTerm('SIGTERM');
  const onHup = (): void => {
    const r = running;
    if (r === undefined || stopSignal !== undefined) return;
    logger.info('SIGHUP: reloading configuration');
    reloading = reloading
      .then(() => r.reload())
      .then(
        () => logger.info('configuration reloaded'),
        (err: unknown) => logger.error({ err }, 'reload failed; keeping the previous configuration'),
      );
  };
  env.signals.on('SIGINT', onInt);
  env.signals.on('SIGTERM', onTermSig);
  env.signals.on('SIGHUP', onHup);
  const removeHandlers = (): void => {
    env.signals.off('SIGINT', onInt);
    env.signals.off('SIGTERM', onTermSig);
    env.signals.off('SIGHUP', onHup);
  };

  try {
    let loaded;
    try {
      loaded = await loadConfig(flags.configFile);
    } catch (err) {
      if (err instanceof ConfigError) {
        env.stderr(`vigie: invalid configuration:\n${err.message}\n`);
        return 1;
      }
      throw err;
    }
    for (const w of loaded.warnings) logger.warn(w);

    logger.info({ version: env.version, config: flags.configFile ?? null, dataDir: flags.dataDir }, 'starting Vigie');
    try {
      running = await env.start({
        configFile: flags.configFile,
        config: loaded.config,
        dataDir: flags.dataDir,
        listen: flags.listen,
        logger,
        version: env.version,
      });
    } catch (err) {
      logger.error({ err }, 'start failed');
      return 1;
    }
    logger.info({ address: formatListenAddress(running.address) }, 'Vigie is ready');

    await stopped;
    await reloading;
    let code = 0;
    for (const c of running.closeables) {
      try {
        await c.close();
        logger.debug({ component: c.name }, 'closed');
      } catch (err) {
        code = 1;
        logger.error({ err, component: c.name }, 'close failed');
      }
    }
    logger.info('bye');
    return code;
  } finally {
    removeHandlers();
    logger.flush();
  }
}
