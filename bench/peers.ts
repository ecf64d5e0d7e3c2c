// Shared plumbing of the side-by-side benchmarks: starting the reference servers (and
// Vigie) on loopback, waiting for them, and running ../shared/bench's tools.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const SHARED_BENCH = resolve(ROOT, '../shared/bench');
export const TEMPLATE = join(SHARED_BENCH, 'node-template.prom');
/** The Node flags bin/vigie runs with (read from its shebang line), so benchmarks measure Vigie as shipped. */
export function vigieNodeFlags(): string[] {
  const words = shebangWords();
  return words.slice(words.indexOf('node') + 1);
}

/** The environment bin/vigie's shebang line sets (its NAME=VALUE words before `node`), over this process' own. */
export function vigieNodeEnv(): NodeJS.ProcessEnv {
  const words = shebangWords();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const w of words.slice(0, words.indexOf('node'))) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(w);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

function shebangWords(): string[] {
  return readFileSync(join(ROOT, 'bin/vigie'), 'utf8').split('\n', 1)[0]!.split(/\s+/);
}
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 2xx; throws after `timeoutMs`. */
export async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Starts a server process; its stderr tail is printed if it exits with an error. */
export function start(cmd: string, argv: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: env ?? process.env });
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  p.on('exit', (code) => {
    if (code) console.error(`${cmd} exited ${code}: ${err}`);
  });
  return p;
}

/** A scratch copy of ../shared/bench with its npm dependencies (never installs into ../shared). */
export function sharedTool(work: string): string {
  const tool = join(work, 'tool');
  cpSync(SHARED_BENCH, tool, { recursive: true });
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund'], { cwd: tool, stdio: 'inherit' });
  return tool;
}

/**
 * Vigie guards every route but health and readiness: benches start it with this admin token
 * (VIGIE_API_TOKEN) and send it. Loopback only, so a fixed value is fine.
 */
export const BENCH_TOKEN = 'vigie_bench-token-loopback-only';
export const VIGIE_AUTH: Readonly<Record<string, string>> = { authorization: `Bearer ${BENCH_TOKEN}` };

/** The environment to start bin/vigie with in a bench (its admin token set). */
export function vigieEnv(): NodeJS.ProcessEnv {
  return { ...process.env, VIGIE_API_TOKEN: BENCH_TOKEN };
}

/**
 * Node arguments (before the tool's script) and environment to run a shared tool of
 * ../shared/bench so that its requests to `vigieUrl` carry the bench token (auth-fetch.ts).
 */
export function toolWithVigieAuth(vigieUrl: string): { readonly nodeArgs: string[]; readonly env: NodeJS.ProcessEnv } {
  return {
    nodeArgs: ['--import', join(ROOT, 'dist', 'bench', 'auth-fetch.js')],
    env: { ...process.env, VIGIE_BENCH_TOKEN: BENCH_TOKEN, VIGIE_BENCH_ORIGINS: new URL(vigieUrl).origin },
  };
}

export const PROM_URL = 'http://127.0.0.1:19090';
export const VM_URL = 'http://127.0.0.1:18428';

/** Prometheus with an empty scrape config and the remote-write receiver, as ../shared/bench/README.md runs it. */
export function startPrometheus(work: string): ChildProcess {
  const dir = join(work, 'prom');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(work, 'empty.yml'), 'scrape_configs: []\n');
  return start('prometheus', [`--config.file=${join(work, 'empty.yml')}`, `--storage.tsdb.path=${dir}`, '--web.listen-address=127.0.0.1:19090',
    '--web.enable-remote-write-receiver', '--storage.tsdb.retention.time=30d']);
}

export function startVictoriaMetrics(work: string): ChildProcess {
  return start('victoria-metrics', [`-storageDataPath=${join(work, 'vm')}`, '-httpListenAddr=127.0.0.1:18428', '-retentionPeriod=1']);
}
