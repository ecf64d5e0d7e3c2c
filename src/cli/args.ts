import { type ParseArgsConfig, parseArgs } from 'node:util';
import { VigieError } from '../common/index.js';
import { DurationError, parseDuration } from '../config/index.js';
import { EXPORT_FORMATS, type ExportFormat, TimeParseError, parseTime } from '../exchange/index.js';
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

/** Flags of `vigie export`, with defaults applied. Times in ms. */
export interface ExportFlags {
  /** Each --match, as given (parsed by the command, which reports bad ones). */
  readonly match: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly format: ExportFormat;
  /** --out DIR; undefined writes to stdout. */
  readonly outDir: string | undefined;
  readonly split: 'day' | 'week' | undefined;
  readonly dataDir: string;
}

/** Flags of `vigie import`. */
export interface ImportFlags {
  /** The file to read; '-' reads stdin. */
  readonly file: string;
  readonly format: 'auto' | 'openmetrics' | 'prometheus';
  readonly dataDir: string;
}

/** `vigie user ACTION`: the users of the state database (`<data-dir>/vigie.db`). */
export interface UserFlags {
  readonly action: 'add' | 'passwd' | 'del' | 'list';
  /** The user name; '' for list. */
  readonly name: string;
  /** --role for add (default viewer). */
  readonly role: 'admin' | 'editor' | 'viewer';
  /** --password-stdin: read the password from the first line of stdin instead of generating one. */
  readonly passwordStdin: boolean;
  readonly dataDir: string;
}

/** Flags of `vigie rules generate`. */
export interface RulesGenerateFlags {
  /** --config FILE; undefined = built-in defaults. */
  readonly configFile: string | undefined;
  /** --output FILE; undefined writes to stdout. */
  readonly output: string | undefined;
  /** --runbook-base-url URL; undefined = Vigie's docs/runbooks.md. */
  readonly runbookBaseUrl: string | undefined;
}

export type HelpTopic = 'server' | 'check' | 'export' | 'import' | 'user' | 'rules';

export type Command =
  | { readonly kind: 'help'; readonly topic?: HelpTopic }
  | { readonly kind: 'version' }
  | { readonly kind: 'server'; readonly flags: ServerFlags }
  | { readonly kind: 'check-config'; readonly files: readonly string[] }
  | { readonly kind: 'export'; readonly flags: ExportFlags }
  | { readonly kind: 'import'; readonly flags: ImportFlags }
  | { readonly kind: 'user'; readonly flags: UserFlags }
  | { readonly kind: 'rules-generate'; readonly flags: RulesGenerateFlags }
  | { readonly kind: 'rules-check'; readonly files: readonly string[] }
  | { readonly kind: 'rules-test'; readonly files: readonly string[]; readonly run: readonly string[] };

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_LISTEN = '127.0.0.1:9400';

export const USAGE = `Usage: vigie <command> [flags]

One program to monitor servers and services: metrics, probes, storage, PromQL,
alerting and a web UI.

Commands:
  server                 Run the monitoring server
  check config FILE...   Validate configuration files and exit
  export --match SEL ... Write stored samples as JSON lines, CSV or OpenMetrics
  import FILE            Backfill samples from OpenMetrics / Prometheus text with timestamps
  user add|passwd|del|list  Manage the users who may log in
  rules generate         Write alerting rules for what the configuration makes active
  rules check FILE...    Validate Prometheus rule files (like promtool check rules)
  rules test FILE...     Run rule unit tests in promtool's format
  help [COMMAND]         Show help

Flags:
  -h, --help             Show help
  -V, --version          Print the version and exit

Run 'vigie help server' (or export, import, user, rules) for a command's flags.
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

export const EXPORT_USAGE = `Usage: vigie export --match SELECTOR [--match ...] --from TIME [flags]

Writes the raw samples of the matching series, read from the data directory. The server must
not be running on it (it holds a lock); use GET /api/v1/export on the server instead.

Flags:
  --match SELECTOR       Series selector, e.g. 'up' or '{job="node",instance=~"web.*"}' (repeatable)
  --from TIME            Start, inclusive: RFC 3339 (2024-01-15T00:00:00Z), a date (2024-01-15, UTC),
                         unix seconds, or relative to now: now, now-7d, now-1h30m
  --to TIME              End, inclusive (default: now)
  --format FORMAT        json (JSON lines, default) | csv | openmetrics
  --out DIR              Write files into DIR (created) instead of stdout
  --split day|week       One file per UTC day / ISO week (Monday); needs --out
  --data-dir DIR         Data directory (default: ${DEFAULT_DATA_DIR})

Formats:
  json         {"metric":{"__name__":"up","job":"x"},"values":[1,0],"timestamps":[1700000000000,...]} per line
  csv          header series,timestamp_ms,time,value; one row per sample,
               series as up{job="x"} (quoted per RFC 4180), time in RFC 3339 UTC
  openmetrics  '# TYPE name unknown', 'name{...} value unix_seconds' lines, '# EOF' (re-importable)

Files: export.<ext> without --split; <YYYY-MM-DD>.<ext> per day; week-<YYYY-MM-DD>.<ext> per week
(named by its Monday); ext is jsonl, csv or om.txt. Periods without samples get no file.
`;

export const IMPORT_USAGE = `Usage: vigie import FILE [flags]

Backfills samples from an OpenMetrics or Prometheus text file where every sample has a
timestamp (seconds in OpenMetrics, milliseconds in the Prometheus text format), in any order.
Samples older than the database's head are written as new blocks; newer ones are appended.
The server must not be running on the data directory. FILE '-' reads stdin.

Flags:
  --format FORMAT        auto (default: OpenMetrics when the file ends with '# EOF') | openmetrics | prometheus
  --data-dir DIR         Data directory (default: ${DEFAULT_DATA_DIR})
`;

export const USER_USAGE = `Usage: vigie user add NAME [--role admin|editor|viewer] [--password-stdin]
       vigie user passwd NAME [--password-stdin]
       vigie user del NAME
       vigie user list

Manages the users of the web UI and the API, stored in <data-dir>/vigie.db (works while the
server runs). Without --password-stdin, add and passwd generate a password and print it once.
A new password ends the user's sessions. The last admin cannot be deleted.

Flags:
  --role ROLE            admin (everything), editor (dashboards, silences, rules), viewer (read only); default viewer
  --password-stdin       Read the password from the first line of stdin (at least 8 characters)
  --data-dir DIR         Data directory (default: ${DEFAULT_DATA_DIR})
`;

export const RULES_USAGE = `Usage: vigie rules <generate|check|test> [flags]

  vigie rules generate [--config FILE] [--output FILE] [--runbook-base-url URL]
      Writes a ready alert.rules.yml for what the configuration makes active: the host
      collector (silent 30 min, disk 90%/100%, RAM 90%/100%, CPU 90%), each probe job by its
      module's prober (HTTP not 2xx or over 3 s, DNS failure or over 1 s, TCP connect, SSH
      banner, ICMP, certificates expiring within 14 days) and each scrape job's up == 0.
      Without --output the rules go to stdout. --runbook-base-url sets the base of the
      runbook_url annotations (default: docs/runbooks.md, Vigie's runbooks).

  vigie rules check FILE...
      Validates Prometheus rule files; prints 'SUCCESS: N rules found' per file or the
      problems as file:line:col. Exit code 0 when all are valid, 1 otherwise.

  vigie rules test [--run REGEX]... FILE...
      Runs rule unit test files (promtool test rules format). Exit code 1 when a test fails.
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
      if (topic === 'server' || topic === 'check' || topic === 'export' || topic === 'import' || topic === 'user' || topic === 'rules') return { kind: 'help', topic };
      throw new UsageError(`unknown help topic ${JSON.stringify(topic)}`);
    }
    case 'version':
      return { kind: 'version' };
    case 'server':
      return parseServer(rest);
    case 'check':
      return parseCheck(rest);
    case 'export':
      return parseExport(rest);
    case 'import':
      return parseImport(rest);
    case 'user':
      return parseUser(rest);
    case 'rules':
      return parseRules(rest);
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

function nonEmpty(name: string, v: string | undefined): string | undefined {
  if (v === '') throw new UsageError(`--${name} must not be empty`);
  return v;
}

/** `now`, `now-7d`, `now+1h` (Prometheus durations) against `now` (ms); undefined for other forms. */
function relativeTime(name: string, v: string, now: number): number | undefined {
  const m = /^now(?:([+-])(.+))?$/.exec(v.trim());
  if (m === null) return undefined;
  if (m[2] === undefined) return now;
  try {
    const d = parseDuration(m[2]);
    return m[1] === '-' ? now - d : now + d;
  } catch (err) {
    if (err instanceof DurationError) throw new UsageError(`--${name}: invalid time ${JSON.stringify(v)}: ${err.message}`, { cause: err });
    throw err;
  }
}

function timeFlag(name: string, v: string | undefined, fallback: () => number, now: number): number {
  if (v === undefined) return fallback();
  const relative = relativeTime(name, v, now);
  if (relative !== undefined) return relative;
  try {
    return parseTime(v);
  } catch (err) {
    if (err instanceof TimeParseError) throw new UsageError(`--${name}: ${err.message}`, { cause: err });
    throw err;
  }
}

function parseExport(args: readonly string[]): Command {
  const { values } = parse(
    args,
    {
      match: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      split: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help === true) return { kind: 'help', topic: 'export' };
  const match = values.match ?? [];
  if (match.length === 0) throw new UsageError('vigie export: --match SELECTOR is required (e.g. --match \'{job="node"}\')');
  const fromText = nonEmpty('from', values.from);
  if (fromText === undefined) throw new UsageError('vigie export: --from TIME is required (RFC 3339, a date, unix seconds or now-7d)');
  const now = Date.now();
  const from = timeFlag('from', fromText, () => 0, now);
  const to = timeFlag('to', nonEmpty('to', values.to), () => now, now);
  if (to < from) throw new UsageError('vigie export: --to is before --from');
  const outDir = nonEmpty('out', values.out);
  const split = values.split === undefined ? undefined : oneOf('split', values.split, ['day', 'week'] as const, 'day');
  if (split !== undefined && outDir === undefined) throw new UsageError('vigie export: --split needs --out DIR');
  return {
    kind: 'export',
    flags: { match, from, to, format: oneOf('format', values.format, EXPORT_FORMATS, 'json'), outDir, split, dataDir: nonEmpty('data-dir', values['data-dir']) ?? DEFAULT_DATA_DIR },
  };
}

function parseImport(args: readonly string[]): Command {
  const { values, positionals } = parse(args, { format: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help === true) return { kind: 'help', topic: 'import' };
  const [file, ...extra] = positionals;
  if (file === undefined || file === '') throw new UsageError('vigie import: no file given (vigie import FILE)');
  if (extra.length > 0) throw new UsageError(`vigie import: one file at a time (got ${positionals.length})`);
  return {
    kind: 'import',
    flags: { file, format: oneOf('format', values.format, ['auto', 'openmetrics', 'prometheus'] as const, 'auto'), dataDir: nonEmpty('data-dir', values['data-dir']) ?? DEFAULT_DATA_DIR },
  };
}

function parseUser(args: readonly string[]): Command {
  const { values, positionals } = parse(
    args,
    { role: { type: 'string' }, 'password-stdin': { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help === true) return { kind: 'help', topic: 'user' };
  const [action, name, ...extra] = positionals;
  if (action !== 'add' && action !== 'passwd' && action !== 'del' && action !== 'list') {
    throw new UsageError(action === undefined ? 'vigie user: give an action: add, passwd, del or list' : `vigie user: unknown action ${JSON.stringify(action)} (expected add, passwd, del or list)`);
  }
  if (action === 'list' ? name !== undefined : name === undefined || name === '') throw new UsageError(action === 'list' ? 'vigie user list takes no name' : `vigie user ${action}: give a user name (vigie user ${action} NAME)`);
  if (extra.length > 0) throw new UsageError(`vigie user ${action}: unexpected ${JSON.stringify(extra[0])}`);
  if (values.role !== undefined && action !== 'add') throw new UsageError('--role applies to vigie user add only (change roles in the UI or the users API)');
  if (values['password-stdin'] === true && action !== 'add' && action !== 'passwd') throw new UsageError('--password-stdin applies to add and passwd only');
  return {
    kind: 'user',
    flags: {
      action,
      name: name ?? '',
      role: oneOf('role', values.role, ['admin', 'editor', 'viewer'] as const, 'viewer'),
      passwordStdin: values['password-stdin'] === true,
      dataDir: nonEmpty('data-dir', values['data-dir']) ?? DEFAULT_DATA_DIR,
    },
  };
}

function parseRules(args: readonly string[]): Command {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
      throw new UsageError("'rules' needs a subcommand: vigie rules generate|check|test");
    case '-h':
    case '--help':
      return { kind: 'help', topic: 'rules' };
    case 'generate': {
      const { values } = parse(rest, { config: { type: 'string' }, output: { type: 'string' }, 'runbook-base-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, false);
      if (values.help === true) return { kind: 'help', topic: 'rules' };
      return {
        kind: 'rules-generate',
        flags: { configFile: nonEmpty('config', values.config), output: nonEmpty('output', values.output), runbookBaseUrl: nonEmpty('runbook-base-url', values['runbook-base-url']) },
      };
    }
    case 'check': {
      const { values, positionals } = parse(rest, { help: { type: 'boolean', short: 'h' } }, true);
      if (values.help === true) return { kind: 'help', topic: 'rules' };
      if (positionals.length === 0) throw new UsageError('vigie rules check: no file given (vigie rules check FILE...)');
      return { kind: 'rules-check', files: positionals };
    }
    case 'test': {
      const { values, positionals } = parse(rest, { run: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, true);
      if (values.help === true) return { kind: 'help', topic: 'rules' };
      if (positionals.length === 0) throw new UsageError('vigie rules test: no file given (vigie rules test FILE...)');
      return { kind: 'rules-test', files: positionals, run: values.run ?? [] };
    }
    default:
      throw new UsageError(`unknown rules subcommand ${JSON.stringify(sub)} (expected generate, check or test)`);
  }
}
