import { loadConfig } from '../config/index.js';
import { CHECK_USAGE, type Command, SERVER_USAGE, USAGE, UsageError, parseCommandLine } from './args.js';
import { runServerCommand } from './server-command.js';
import { readVersion } from './version.js';

export { type Command, type LogFormat, type LogLevel, type ServerFlags, UsageError, parseCommandLine } from './args.js';
export { FORCED_EXIT_CODE, type ServerCommandEnv, type SignalSource, runServerCommand } from './server-command.js';

/** Where the CLI writes; the real streams by default, strings in tests. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIO: CliIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

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
      io.stdout(cmd.topic === 'server' ? SERVER_USAGE : cmd.topic === 'check' ? CHECK_USAGE : USAGE);
      return 0;
    case 'version':
      io.stdout(`vigie ${readVersion()} (node ${process.versions.node})\n`);
      return 0;
    case 'check-config':
      return checkConfig(cmd.files, io);
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
