import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared promqltest folder (`../shared/conformance/promqltest` next to the repository
 * root), found by walking up from this file to the directory holding package.json.
 * Returns undefined when it is not there.
 */
export function conformanceDir(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) break;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const d = resolve(dir, '..', 'shared', 'conformance', 'promqltest');
  return existsSync(d) ? d : undefined;
}
