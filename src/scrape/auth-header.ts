import { readFile } from 'node:fs/promises';
import type { ScrapeConfig } from '../config/index.js';
import { ScrapeError } from './errors.js';

/**
 * The Authorization header value from `basic_auth` or `authorization` (password and
 * credentials files are read at each call, so rotated secrets apply without a reload, as in
 * Prometheus); undefined when neither is set. Throws ScrapeError naming an unreadable file.
 */
export async function authorizationHeader(cfg: Pick<ScrapeConfig, 'basic_auth' | 'authorization'>): Promise<string | undefined> {
  const read = async (f: string): Promise<string> => {
    try {
      return (await readFile(f, 'utf8')).trim();
    } catch (err) {
      throw new ScrapeError(`cannot read credentials file ${f}`, { cause: err });
    }
  };
  const b = cfg.basic_auth;
  if (b !== undefined) {
    const pw = b.password_file !== undefined ? await read(b.password_file) : (b.password ?? '');
    return 'Basic ' + Buffer.from(`${b.username}:${pw}`).toString('base64');
  }
  const a = cfg.authorization;
  if (a !== undefined) {
    const cred = a.credentials_file !== undefined ? await read(a.credentials_file) : (a.credentials ?? '');
    return `${a.type} ${cred}`;
  }
  return undefined;
}
