import { z } from 'zod';
import { parseByteSize } from './size.js';
import { formatDuration, parseDuration } from './duration.js';
import type { VigieConfig } from './types.js';

/** Short description of a YAML value for messages: `"fifteen"`, `12`, `a map`, `a list`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

/** A duration field: a Prometheus duration string (or the number 0), parsed to ms. */
function duration(example: string, defaultMs: number) {
  return z
    .unknown()
    .transform((v, ctx): number => {
      if (v === 0) return 0;
      if (typeof v === 'string') {
        try {
          return parseDuration(v);
        } catch (err) {
          if (err instanceof Error && /too large/.test(err.message)) {
            ctx.addIssue({ code: 'custom', message: `duration ${describeValue(v)} is too large` });
            return z.NEVER;
          }
        }
      }
      ctx.addIssue({ code: 'custom', message: `expected a duration like ${example}, got ${describeValue(v)}` });
      return z.NEVER;
    })
    .default(defaultMs);
}

/** A byte-size field: a string like 512MB / 10GiB, or a whole number of bytes. */
function byteSize(example: string, defaultBytes: number) {
  return z
    .unknown()
    .transform((v, ctx): number => {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      if (typeof v === 'string') {
        try {
          return parseByteSize(v);
        } catch (err) {
          if (err instanceof Error && /too large/.test(err.message)) {
            ctx.addIssue({ code: 'custom', message: `size ${describeValue(v)} is too large` });
            return z.NEVER;
          }
        }
      }
      ctx.addIssue({ code: 'custom', message: `expected a size like ${example}, got ${describeValue(v)}` });
      return z.NEVER;
    })
    .default(defaultBytes);
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const labelMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((m, ctx) => {
    for (const k of Object.keys(m)) {
      if (!LABEL_NAME_RE.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label name ${JSON.stringify(k)}` });
    }
  })
  .transform((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)])));

const looseMap = z.record(z.string(), z.unknown());

const globalSchema = z
  .strictObject({
    scrape_interval: duration('1m', 60_000),
    scrape_timeout: duration('10s', 10_000),
    evaluation_interval: duration('1m', 60_000),
    external_labels: labelMap.default({}),
  })
  .superRefine((g, ctx) => {
    if (g.scrape_timeout > g.scrape_interval) {
      ctx.addIssue({ code: 'custom', path: ['scrape_timeout'], message: `${formatDuration(g.scrape_timeout)} must not be greater than scrape_interval (${formatDuration(g.scrape_interval)})` });
    }
  });

const storageSchema = z.strictObject({
  retention: z
    .strictObject({
      time: duration('15d', 15 * 24 * 3600_000),
      size: byteSize('10GB', 0),
    })
    .prefault({}),
  wal: z
    .strictObject({
      segment_size: byteSize('64MiB', 64 * 2 ** 20),
      sync_interval: duration('1s', 1000),
    })
    .prefault({}),
  out_of_order_time_window: duration('10m', 0),
});

/** The whole file. Strict everywhere except the sections owned by later work. */
export const configSchema = z.strictObject({
  global: globalSchema.prefault({}),
  storage: storageSchema.prefault({}),
  host: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  auth: z.strictObject({ anonymous: z.enum(['viewer', 'none']).default('none') }).prefault({}),
  scrape_configs: z.array(looseMap).default([]),
  rule_files: z.array(z.string()).default([]),
  remote_write: z.array(looseMap).default([]),
  alerting: looseMap.default({}),
  probe_modules: looseMap.default({}),
  probes: z.array(looseMap).default([]),
});

// Compile-time check that the schema produces exactly what the rest of Vigie reads.
type SchemaOutput = z.output<typeof configSchema>;
const _check: (o: SchemaOutput) => VigieConfig = (o) => o;
void _check;
