import { pino, type Logger as PinoLogger } from 'pino';

/** The structured logger used everywhere; components receive a child with their name. */
export type Logger = PinoLogger;

export interface LoggerOptions {
  readonly level?: string;
  /** 'json' for machines, 'pretty' for a person at a terminal; 'auto' picks by TTY. */
  readonly format?: 'json' | 'pretty' | 'auto';
  /** Where to write; defaults to stderr (fd 2). */
  readonly destination?: number;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const fd = opts.destination ?? 2;
  const format = opts.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && fd === 2 && process.stderr.isTTY === true);
  const level = opts.level ?? 'info';
  if (pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino({ level, base: null, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: fd, sync: true }));
}

/** A logger that drops everything; for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
