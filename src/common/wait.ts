/**
 * Polls `cond` every `everyMs` until it is true; throws "timed out waiting for <what>" after
 * `ms`. For tests and tools that wait on another process (a peer server, a flushed queue).
 */
export async function waitUntil(cond: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 200): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
