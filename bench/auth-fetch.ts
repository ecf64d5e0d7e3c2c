// Preloaded (`node --import dist/bench/auth-fetch.js tool.mjs`) into the shared bench tools,
// which send no credentials: adds `Authorization: Bearer $VIGIE_BENCH_TOKEN` to every fetch
// whose origin is listed in $VIGIE_BENCH_ORIGINS (comma-separated; Vigie's only, so the
// reference systems see the same requests as before). See peers.ts toolWithVigieAuth.
const token = process.env['VIGIE_BENCH_TOKEN'];
const origins = (process.env['VIGIE_BENCH_ORIGINS'] ?? '').split(',').filter((o) => o !== '');
if (token !== undefined && token !== '' && origins.length > 0) {
  const plainFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!origins.includes(url.origin)) return plainFetch(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('authorization', `Bearer ${token}`);
    return plainFetch(input, { ...init, headers });
  };
}
export {};
