import { z } from 'zod';
import type { Matcher } from '../../model/index.js';
import { parseMatchers } from '../matchers/index.js';
import { durationMs } from './fields.js';

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A route as written (before inheritance). */
export interface RawRoute {
  readonly receiver?: string | undefined;
  readonly group_by?: readonly string[] | undefined;
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  readonly group_wait?: number | undefined;
  readonly group_interval?: number | undefined;
  readonly repeat_interval?: number | undefined;
  readonly mute_time_intervals: readonly string[];
  readonly active_time_intervals: readonly string[];
  readonly routes: readonly RawRoute[];
}

/** A node of the route tree with its parent's settings inherited. Durations in ms. */
export interface RouteConfig {
  readonly receiver: string;
  /** Label names alerts are grouped by; ignored when groupByAll. */
  readonly group_by: readonly string[];
  /** `group_by: ['...']`: every label set is its own group. */
  readonly group_by_all: boolean;
  /** From match, match_re and matchers together; all must hold. */
  readonly matchers: readonly Matcher[];
  readonly continue: boolean;
  /** ms; default 30s. */
  readonly group_wait: number;
  /** ms; default 5m; > 0. */
  readonly group_interval: number;
  /** ms; default 4h; > 0. */
  readonly repeat_interval: number;
  readonly mute_time_intervals: readonly string[];
  readonly active_time_intervals: readonly string[];
  readonly routes: readonly RouteConfig[];
}

/** Label-name → text map; YAML scalars are turned into text, a missing value is an error naming the key. */
export const labelTextMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).superRefine((m, ctx) => {
  for (const k of Object.keys(m)) if (!LABEL_NAME_RE.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label name ${JSON.stringify(k)}` });
});

/** Alertmanager matcher strings (`matchers:`), each possibly a `{...}` list, parsed. */
export const matcherStrings = z.array(z.string()).transform((list, ctx): Matcher[] => {
  const out: Matcher[] = [];
  for (const [i, s] of list.entries()) {
    try {
      out.push(...parseMatchers(s));
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: [i], message: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
});

/** Builds matchers from the legacy `match` (equality) and `match_re` (anchored RE2) maps. */
export function legacyMatchers(match: Readonly<Record<string, string>> | undefined, matchRe: Readonly<Record<string, string>> | undefined, ctx: z.RefinementCtx, pathRe: string): Matcher[] {
  const out: Matcher[] = [];
  for (const [k, v] of Object.entries(match ?? {}).sort()) out.push(...parseMatchers(`${k}=${JSON.stringify(v)}`));
  for (const [k, v] of Object.entries(matchRe ?? {}).sort()) {
    try {
      // As Alertmanager: the legacy regexp is stored anchored, which shows in route keys (group keys).
      out.push(...parseMatchers(`${k}=~${JSON.stringify(`^(?:${v})$`)}`));
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: [pathRe, k], message: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

const groupBy = z.array(z.string()).superRefine((list, ctx) => {
  const seen = new Set<string>();
  for (const [i, l] of list.entries()) {
    if (l !== '...' && !LABEL_NAME_RE.test(l)) ctx.addIssue({ code: 'custom', path: [i], message: `invalid label name ${JSON.stringify(l)} in group_by list` });
    if (seen.has(l)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicated label ${JSON.stringify(l)} in group_by` });
    seen.add(l);
  }
  if (list.includes('...') && list.length > 1) ctx.addIssue({ code: 'custom', message: 'cannot have wildcard group_by (`...`) and other labels at the same time' });
});

const nonZero = (what: string) =>
  durationMs.superRefine((ms, ctx) => {
    if (ms === 0) ctx.addIssue({ code: 'custom', message: `${what} cannot be zero` });
  });

export const routeSchema: z.ZodType<RawRoute, unknown> = z.lazy(() =>
  z
    .strictObject({
      receiver: z.string().optional(),
      group_by: groupBy.optional(),
      match: labelTextMap.optional(),
      match_re: labelTextMap.optional(),
      matchers: matcherStrings.optional(),
      continue: z.boolean().default(false),
      group_wait: durationMs.optional(),
      group_interval: nonZero('group_interval').optional(),
      repeat_interval: nonZero('repeat_interval').optional(),
      mute_time_intervals: z.array(z.string()).default([]),
      active_time_intervals: z.array(z.string()).default([]),
      routes: z.array(routeSchema).default([]),
      labels: labelTextMap.optional(),
    })
    .transform((r, ctx): RawRoute => ({
      receiver: r.receiver,
      group_by: r.group_by,
      matchers: [...legacyMatchers(r.match, r.match_re, ctx, 'match_re'), ...(r.matchers ?? [])],
      continue: r.continue,
      group_wait: r.group_wait,
      group_interval: r.group_interval,
      repeat_interval: r.repeat_interval,
      mute_time_intervals: r.mute_time_intervals,
      active_time_intervals: r.active_time_intervals,
      routes: r.routes,
    })),
);

/** Fills inherited settings top-down (receiver, group_by, group_wait, group_interval, repeat_interval). */
export function inheritRoute(r: RawRoute, parent: RouteConfig | undefined): RouteConfig {
  const groupByList = r.group_by ?? (parent === undefined ? [] : parent.group_by_all ? ['...'] : parent.group_by);
  const node: RouteConfig = {
    receiver: r.receiver ?? parent?.receiver ?? '',
    group_by: groupByList.filter((l) => l !== '...'),
    group_by_all: groupByList.includes('...'),
    matchers: r.matchers,
    continue: r.continue,
    group_wait: r.group_wait ?? parent?.group_wait ?? 30_000,
    group_interval: r.group_interval ?? parent?.group_interval ?? 5 * 60_000,
    repeat_interval: r.repeat_interval ?? parent?.repeat_interval ?? 4 * 3600_000,
    mute_time_intervals: r.mute_time_intervals,
    active_time_intervals: r.active_time_intervals,
    routes: [],
  };
  return { ...node, routes: r.routes.map((c) => inheritRoute(c, node)) };
}

