import { type ParseArgsConfig, parseArgs } from 'node:util';
import { VigieError } from '../common/index.js';
import { type ListenAddress, ListenAddressError, parseListenAddress } from '../server/index.js';

/** Wrong command line: print the message and a hint to run --help, exit 2. */
export class UsageError extends VigieError {
  override name = 'UsageError';
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Flags of `vigie server`, with defaults applied. */
export interface ServerFlags {
  readonly configFile: string | undefined;
  readonly dataDir: string;
  readonly listen: ListenAddress;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

export type Command =
  | { readonly kind: 'help'; readonly topic?: 'server' | 'check' }
  | { readonly kind: 'version' }
  | { readonly kind: 'server'; readonly flags: ServerFlags }
  | { readonly kind: 'check-config'; readonly files: readonly string[] };

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_LISTEN = '127.0.0.1:9400';

export const USAGE = `Usage: vigie <command> [flags]

One program to monitor servers and services: metrics, probes, storage, PromQL,
alerting and a web UI.

Commands:
  server                 Run the monitoring server
  check config FILE...   Validate configuration files and exit
  help [COMMAND]         Show help

Flags:
  -h, --help             Show help
  -V, --version          Print the version and exit

Run 'vigie help server' for the server's flags.
`;

export const SERVER_USAGE = `Usage: vigie server [flags]

Flags:
  --config FILE          YAML configuration file (default: none, built-in defaults)
  --data-dir DIR         Where metrics are stored (default: ${DEFAULT_DATA_DIR})
  --listen HOST:PORT     HTTP listen address (default: ${DEFAULT_LISTEN})
  --log.level LEVEL      ${LOG_LEVELS.join('|')} (default: info)
  --log.format FORMAT    ${LOG_FORMATS.join('|')} (default: auto: pretty on a terminal, JSON otherwise)
  -h, --help             Show this help

Signals: SIGTERM/SIGINT shut down cleanly (a second one forces exit); SIGHUP reloads the config.
`;

export const CHECK_USAGE = `Usage: vigie check config FILE...

Validates each configuration file; prints problems as file:line:col: key: message.
Exit code 0 when all are valid, 1 otherwise.
`;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: readonly string[], options: O, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (err) {
    // node:util's messages are clear ("Unknown option '--foo'"); keep them, drop the code.
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid value for --${name}: ${JSON.stringify(value)} (expected one of ${allowed.join(', ')})`);
}

/** Turns the arguments after `vigie` into a command. Throws UsageError. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      throw new UsageError('no command given');
    case '-h':
    case '--help':
      return { kind: 'help' };
    case '-V':
    case '--version':
      return { kind: 'version' };
    case 'help': {
      const topic = rest[0];
      if (topic === undefined) return { kind: 'help' };
      if (topic === 'server' || topic === 'check') return { kind: 'help', topic };
      throw new UsageError(`unknown help topic ${JSON.stringify(topic)}`);
    }
    case 'version':
      return { kind: 'version' };
    case 'server':
      return parseServer(rest);
    case 'check':
      return parseCheck(rest);
    default:
      if (first.startsWith('-')) throw new UsageError(`unknown flag ${JSON.stringify(first)} (flags go after the command)`);
      throw new UsageError(`unknown command ${JSON.stringify(first)}`);
  }
}

function parseServer(args: readonly string[]): Command {
  const { values } = parse(
    args,
    {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      listen: { type: 'string' },
      'log.level': { type: 'string' },
      'log.format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help === true) return { kind: 'help', topic: 'server' };
  const str = (k: 'config' | 'data-dir' | 'listen' | 'log.level' | 'log.format'): string | undefined => {
    const v = values[k];
    if (v === '') throw new UsageError(`--${k} must not be empty`);
    return typeof v === 'string' ? v : undefined;
  };
  let listen: ListenAddress;
  try {
    listen = parseListenAddress(str('listen') ?? DEFAULT_LISTEN);
  } catch (err) {
    if (err instanceof ListenAddressError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
  return {
    kind: 'server',
    flags: {
      configFile: str('config'),
      dataDir: str('data-dir') ?? DEFAULT_DATA_DIR,
      listen,
      logLevel: oneOf('log.level', str('log.level'), LOG_LEVELS, 'info'),
      logFormat: oneOf('log.format', str('log.format'), LOG_FORMATS, 'auto'),
    },
  };
}

function parseCheck(args: readonly string[]): Command {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) return { kind: 'help', topic: 'check' };
  const [what, ...files] = positionals;
  if (what !== 'config') throw new UsageError(what === undefined ? "'check' needs a subject: vigie check config FILE..." : `cannot check ${JSON.stringify(what)}; only 'config'`);
  if (files.length === 0) throw new UsageError('vigie check config: no file given');
  return { kind: 'check-config', files };
}
