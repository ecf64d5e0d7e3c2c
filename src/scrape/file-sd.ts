import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../common/index.js';
import type { FileSDConfig } from '../config/index.js';
import { parseTargetGroups, type TargetGroup } from './target.js';

/** Largest target file read (bytes). */
const MAX_FILE_BYTES = 64 * 2 ** 20;

/**
 * Prometheus' file_sd: target groups from JSON or YAML files (globs allowed in the
 * file name), re-read when a watched directory changes and every refresh_interval.
 * Each group gets `__meta_filepath`. A file that cannot be read or parsed keeps its
 * previous groups (the error is logged). `onUpdate` receives all groups, on change only.
 */
export class FileDiscovery {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private byFile = new Map<string, TargetGroup[]>();
  private lastEmitted = '';
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly cfg: FileSDConfig,
    private readonly onUpdate: (groups: TargetGroup[]) => void,
    private readonly logger: Logger,
  ) {}

  /** Reads the files once (resolves after the first update), then watches until `stop`. */
  async start(): Promise<void> {
    await this.refresh();
    for (const dir of new Set(this.cfg.files.map((f) => dirname(resolve(f))))) {
      try {
        const w = watch(dir, { persistent: false }, () => this.scheduleRefresh());
        w.on('error', (err) => this.logger.warn({ err, dir }, 'file_sd: watch failed; relying on refresh_interval'));
        this.watchers.push(w);
      } catch (err) {
        this.logger.warn({ err, dir }, 'file_sd: cannot watch directory; relying on refresh_interval');
      }
    }
    this.timer = setInterval(() => this.scheduleRefresh(0), this.cfg.refresh_interval);
    this.timer.unref();
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }

  private scheduleRefresh(delay = 50): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.refreshing = this.refreshing.then(() => this.refresh());
    }, delay);
    this.debounce.unref();
  }

  /** Re-reads every matching file and emits the groups if they changed. */
  async refresh(): Promise<void> {
    const files = await this.listFiles();
    const next = new Map<string, TargetGroup[]>();
    for (const f of files) {
      try {
        next.set(f, await readGroups(f));
      } catch (err) {
        this.logger.error({ err, file: f }, 'file_sd: cannot read target file');
        const old = this.byFile.get(f);
        if (old !== undefined) next.set(f, old);
      }
    }
    this.byFile = next;
    const all = [...next.values()].flat();
    const text = JSON.stringify(all);
    if (text === this.lastEmitted) return;
    this.lastEmitted = text;
    this.onUpdate(all);
  }

  private async listFiles(): Promise<string[]> {
    const out = new Set<string>();
    for (const pattern of this.cfg.files) {
      const dir = dirname(pattern);
      const base = basename(pattern);
      if (!/[*?[]/.test(base)) {
        out.add(pattern);
        continue;
      }
      const re = globToRegExp(base);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n)) out.add(join(dir, n));
    }
    return [...out].filter((f) => /\.(json|ya?ml)$/.test(f));
  }
}

/** A shell glob for one path element (`*`, `?`, `[abc]`, `[!a]`) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let s = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') s += '[^/]*';
    else if (c === '?') s += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) s += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
        s += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else s += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${s}$`);
}

async function readGroups(file: string): Promise<TargetGroup[]> {
  const text = await readFile(file, 'utf8');
  if (text.length > MAX_FILE_BYTES) throw new Error(`file larger than ${MAX_FILE_BYTES} bytes`);
  const data: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
  const groups = parseTargetGroups(data, { __meta_filepath: file }, (i) => `${file}[${i}]`);
  for (const [i, g] of groups.entries()) for (const t of g.targets) if (t.includes('/')) throw new Error(`group ${i}: ${JSON.stringify(t)} is not a valid hostname`);
  return groups;
}
