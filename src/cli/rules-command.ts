import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig } from '../config/index.js';
import { MAX_RULE_FILE_BYTES, RuleFileError, generateAlertRules, generateInputFromConfig, parseRuleFile, runRuleUnitTests } from '../rules/index.js';
import type { Command } from './args.js';

interface RulesIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

type RulesCommand = Extract<Command, { kind: 'rules-generate' | 'rules-check' | 'rules-test' }>;

/** `vigie rules generate|check|test`. Returns the exit code: 0 success, 1 failure. */
export async function runRulesCommand(cmd: RulesCommand, io: RulesIO): Promise<number> {
  switch (cmd.kind) {
    case 'rules-generate':
      return generate(cmd.flags, io);
    case 'rules-check':
      return check(cmd.files, io);
    case 'rules-test':
      return runRuleUnitTests(cmd.files, io, { run: cmd.run });
  }
}

async function generate(flags: Extract<RulesCommand, { kind: 'rules-generate' }>['flags'], io: RulesIO): Promise<number> {
  let text: string;
  try {
    const { config } = await loadConfig(flags.configFile);
    text = generateAlertRules(generateInputFromConfig(config, flags.runbookBaseUrl));
  } catch (err) {
    io.stderr(`vigie rules generate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (flags.output === undefined) {
    io.stdout(text);
    return 0;
  }
  try {
    await writeFile(flags.output, text);
  } catch (err) {
    io.stderr(`vigie rules generate: cannot write ${flags.output}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  io.stderr(`vigie rules generate: wrote ${flags.output}\n`);
  return 0;
}

/** Like `promtool check rules`: `Checking FILE` then `SUCCESS: N rules found` or `FAILED:` and the problems. */
async function check(files: readonly string[], io: RulesIO): Promise<number> {
  let code = 0;
  for (const f of files) {
    io.stdout(`Checking ${f}\n`);
    try {
      const buf = await readFile(f);
      if (buf.length > MAX_RULE_FILE_BYTES) throw new Error(`file is larger than ${MAX_RULE_FILE_BYTES} bytes`);
      const rf = parseRuleFile(buf.toString('utf8'), f);
      const n = rf.groups.reduce((sum, g) => sum + g.rules.length, 0);
      io.stdout(`  SUCCESS: ${n} rules found\n\n`);
    } catch (err) {
      code = 1;
      io.stderr('  FAILED:\n');
      if (err instanceof RuleFileError) io.stderr(`${err.message}\n\n`);
      else io.stderr(`${f}: cannot read rule file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err)}\n\n`);
    }
  }
  return code;
}
