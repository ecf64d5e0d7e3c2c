import { createServer } from 'node:net';

/**
 * A TCP port free on `host` right now (the OS picks it; the socket is closed before the
 * promise resolves). For tests and benches that must pass a port to a child process; another
 * process could take it in between, so prefer binding port 0 yourself when you can.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
