import { VigieError } from '../common/index.js';

/** A host and TCP port to listen on. `host` is an IP or name, without brackets. */
export interface ListenAddress {
  readonly host: string;
  /** 0..65535; 0 asks the OS for a free port. */
  readonly port: number;
}

export class ListenAddressError extends VigieError {
  override name = 'ListenAddressError';
}

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (all interfaces, 0.0.0.0).
 * Throws ListenAddressError with a message fit for a usage error.
 */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  const portText = m?.[3];
  if (m === null || portText === undefined) {
    throw new ListenAddressError(`invalid listen address ${JSON.stringify(text)}: expected HOST:PORT, e.g. 127.0.0.1:9400`);
  }
  const port = Number(portText);
  if (port > 65535) throw new ListenAddressError(`invalid listen address ${JSON.stringify(text)}: port must be 0..65535`);
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]);
  return { host, port };
}

/** Formats an address back to `host:port` (`[::1]:9400` for IPv6). */
export function formatListenAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
