import { loadConfig } from '../config/index.js';
import { CHECK_USAGE, type Command, EXPORT_USAGE, IMPORT_USAGE, RULES_USAGE, SERVER_USAGE, USAGE, USER_USAGE, UsageError, parseCommandLine } from './args.js';
import { DataDirBusyError } from './errors.js';
import { runServerCommand } from './server-command.js';
import { readVersion } from './version.js';

export { type Command, type ExportFlags, type HelpTopic, type ImportFlags, type LogFormat, type LogLevel, type RulesGenerateFlags, type ServerFlags, type UserFlags, UsageError, parseCommandLine } from './args.js';
export { FORCED_EXIT_CODE, type ServerCommandEnv, type SignalSource, runServerCommand } from './server-command.js';

/** Where the CLI writes; the real streams by default, strings in tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Stdout with backpressure, for large outputs (`vigie export` to stdout); default: `stdout`. */
  readonly stdoutAsync?: (text: string) => Promise<void>;
  /** stderr is a terminal: commands may draw progress bars. Default false. */
  readonly stderrIsTTY?: boolean;
  /** All of stdin, for `vigie user --password-stdin`; default: process.stdin. */
  readonly readStdin?: () => Promise<string>;
}

const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stdoutAsync: (t) =>
    new Promise((resolve, reject) => {
      if (process.stdout.write(t)) resolve();
      else process.stdout.once('drain', resolve).once('error', reject);
    }),
  stderrIsTTY: process.stderr.isTTY,
};

const HELP: Readonly<Record<string, string>> = { server: SERVER_USAGE, check: CHECK_USAGE, export: EXPORT_USAGE, import: IMPORT_USAGE, user: USER_USAGE, rules: RULES_USAGE };

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit codes: 0 success, 1 failure (bad config, failed start), 2 usage error. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommandLine(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`vigie: ${err.message}\nRun 'vigie --help' for usage.\n`);
      return 2;
    }
    throw err;
  }
  switch (cmd.kind) {
    case 'help':
      io.stdout(cmd.topic === undefined ? USAGE : (HELP[cmd.topic] ?? USAGE));
      return 0;
    case 'export':
    case 'import':
      return runDataCommand(cmd, io);
    case 'user': {
      const { runUserCommand } = await import('./user-command.js');
      return runUserCommand(cmd.flags, { stdout: io.stdout, stderr: io.stderr, readStdin: io.readStdin ?? readProcessStdin });
    }
    case 'version':
      io.stdout(`vigie ${readVersion()} (node ${process.versions.node})\n`);
      return 0;
    case 'check-config':
      return checkConfig(cmd.files, io);
    case 'rules-generate':
    case 'rules-check':
    case 'rules-test': {
      const { runRulesCommand } = await import('./rules-command.js');
      return runRulesCommand(cmd, io);
    }
    case 'server': {
      // ── The one place the CLI reaches the composition root. ──────────────────────────
      // src/main.ts must export `startServer: StartServer` (see src/server/contract.ts).
      // Imported lazily so `vigie --help` does not load the storage engine.
      const { startServer } = await import('../main.js');
      return runServerCommand(cmd.flags, {
        start: startServer,
        version: readVersion(),
        stderr: io.stderr,
        signals: process,
        forceExit: (code) => process.exit(code),
      });
    }
  }
}

/** `vigie export` / `vigie import`, with their expected failures turned into messages and exit code 1. */
async function runDataCommand(cmd: Extract<Command, { kind: 'export' | 'import' }>, io: CliIO): Promise<number> {
  try {
    if (cmd.kind === 'export') {
      const { runExportCommand } = await import('./export-command.js');
      return await runExportCommand(cmd.flags, { stdout: io.stdoutAsync ?? io.stdout, stderr: io.stderr });
    }
    const { runImportCommand } = await import('./import-command.js');
    return await runImportCommand(cmd.flags, { stdout: io.stdout, stderr: io.stderr, progress: io.stderrIsTTY === true });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`vigie ${cmd.kind}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof DataDirBusyError) {
      io.stderr(`vigie ${cmd.kind}: ${err.message}`);
      return 1;
    }
    io.stderr(`vigie ${cmd.kind}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function checkConfig(files: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  for (const f of files) {
    try {
      const { warnings } = await loadConfig(f);
      io.stdout(`${f}: OK\n`);
      for (const w of warnings) io.stdout(`  warning: ${w}\n`);
    } catch (err) {
      code = 1;
      io.stderr(`${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return code;
}
