import { z } from 'zod';
import { VigieError } from '../../common/index.js';
import type { Matcher } from '../../model/index.js';
import { describe, durationMs, httpConfigSchema, type HttpConfig, urlString } from './fields.js';
import { GLOBAL_EXCLUSIVE_PAIRS, type GlobalAlertingConfig, globalSchema } from './global.js';
import { type ReceiverConfig, receiverKindSchemas } from './receivers.js';
import { resolveReceiver } from './resolve.js';
import { inheritRoute, labelTextMap, legacyMatchers, matcherStrings, routeSchema, type RouteConfig } from './route.js';
import { type TimeIntervalConfig, timeIntervalSchema } from './time-intervals.js';

/** A firing source alert mutes target alerts that have the same values for every `equal` label. */
export interface InhibitRuleConfig {
  readonly source_matchers: readonly Matcher[];
  readonly target_matchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** One entry of `alerting.alertmanagers` (Prometheus' shape): external Alertmanagers alerts are forwarded to. */
export interface AlertmanagerTargetConfig {
  /** `host:port` of each Alertmanager. */
  readonly targets: readonly string[];
  readonly scheme: 'http' | 'https';
  /** Prefix of the API path; default '/'. */
  readonly path_prefix: string;
  /** ms; default 10s. */
  readonly timeout: number;
  readonly api_version: 'v2';
  /** basic_auth / authorization / tls_config / proxy_url … */
  readonly http_config: HttpConfig;
}

/** The validated `alerting:` section. Durations in ms. */
export interface AlertingConfig {
  readonly global: GlobalAlertingConfig;
  readonly route: RouteConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly inhibit_rules: readonly InhibitRuleConfig[];
  /** `time_intervals` and legacy `mute_time_intervals` together; names unique. */
  readonly time_intervals: readonly TimeIntervalConfig[];
  /** Template file globs. */
  readonly templates: readonly string[];
  /** ms; how long alert history is kept; default 90d. */
  readonly history_retention: number;
  readonly alertmanagers: readonly AlertmanagerTargetConfig[];
  /** Base URL of this Vigie as users reach it (links in notifications); '' = derived from the listen address. */
  readonly external_url: string;
}

const receiverSchema = z.strictObject({
  name: z.string().min(1, 'missing name in receiver'),
  labels: z.record(z.string(), z.string()).optional(),
  ...Object.fromEntries(Object.entries(receiverKindSchemas).map(([k, s]) => [k, z.array(s.nullable().transform((v, ctx) => {
    if (v !== null) return v;
    if (k === 'slack_configs' || k === 'opsgenie_configs' || k === 'wechat_configs' || k === 'rocketchat_configs') return s.parse({});
    ctx.addIssue({ code: 'custom', message: `missing ${k.replace(/_configs$/, '')} config` });
    return z.NEVER;
  })).optional()])) as unknown as { [K in keyof typeof receiverKindSchemas]: z.ZodOptional<z.ZodArray<z.ZodType<z.output<(typeof receiverKindSchemas)[K]>, unknown>>> },
});

const inhibitSchema = z
  .strictObject({
    source_match: labelTextMap.optional(),
    source_match_re: labelTextMap.optional(),
    source_matchers: matcherStrings.optional(),
    target_match: labelTextMap.optional(),
    target_match_re: labelTextMap.optional(),
    target_matchers: matcherStrings.optional(),
    equal: z.array(z.string()).default([]),
  })
  .transform((r, ctx): InhibitRuleConfig => ({
    source_matchers: [...legacyMatchers(r.source_match, r.source_match_re, ctx, 'source_match_re'), ...(r.source_matchers ?? [])],
    target_matchers: [...legacyMatchers(r.target_match, r.target_match_re, ctx, 'target_match_re'), ...(r.target_matchers ?? [])],
    equal: r.equal,
  }));

const hostPort = z.string().regex(/^(\[[^\]]+\]|[^:/\s]+):\d{1,5}$/, 'expected host:port');

const alertmanagerSchema = httpConfigSchema
  .safeExtend({
    static_configs: z.array(z.strictObject({ targets: z.array(hostPort).default([]), labels: labelTextMap.optional() })).default([]),
    scheme: z.enum(['http', 'https']).default('http'),
    path_prefix: z.string().default('/'),
    timeout: durationMs.default(10_000),
    api_version: z.literal('v2', { error: 'api_version must be "v2" (v1 was removed from Alertmanager)' }).default('v2'),
  })
  .transform(({ static_configs, scheme, path_prefix, timeout, api_version, ...http }): AlertmanagerTargetConfig => ({
    targets: static_configs.flatMap((s) => s.targets),
    scheme,
    path_prefix,
    timeout,
    api_version,
    http_config: http,
  }));

/** The raw `alerting:` section (Alertmanager's alertmanager.yml plus Vigie's keys). */
const rawAlertingSchema = z.strictObject({
  global: globalSchema.prefault({}),
  route: routeSchema.optional(),
  receivers: z.array(receiverSchema).optional(),
  inhibit_rules: z.array(inhibitSchema).default([]),
  time_intervals: z.array(timeIntervalSchema).default([]),
  mute_time_intervals: z.array(timeIntervalSchema).default([]),
  templates: z.array(z.string()).default([]),
  history_retention: durationMs.default(90 * 86_400_000),
  alertmanagers: z.array(alertmanagerSchema).default([]),
  external_url: z.union([z.literal(''), urlString]).default(''),
});

/**
 * Zod schema of `alerting:`: validates with Alertmanager's rules and resolves global defaults
 * into receivers and parents' settings into child routes. An empty section gives one route to
 * a receiver named "default" without integrations (alerts are kept and shown, nobody is notified).
 */
export const alertingConfigSchema = z
  .unknown()
  .transform((v, ctx) => {
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: `expected a map of settings (Alertmanager's configuration), got ${describe(v)}` });
      return z.NEVER;
    }
    return v;
  })
  .pipe(rawAlertingSchema).transform((c, ctx): AlertingConfig => {
  const g = c.global;
  for (const [a, b] of GLOBAL_EXCLUSIVE_PAIRS) {
    if (g[a] !== undefined && g[a] !== '' && g[b] !== undefined && g[b] !== '') ctx.addIssue({ code: 'custom', path: ['global', a], message: `at most one of ${a} & ${b} must be configured` });
  }
  const appSet = g.slack_app_token !== undefined || g.slack_app_token_file !== undefined;
  const urlSet = g.slack_api_url !== undefined || g.slack_api_url_file !== undefined;
  if (appSet && urlSet && g.slack_api_url !== g.slack_app_url) {
    ctx.addIssue({ code: 'custom', path: ['global', 'slack_app_token'], message: 'at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured' });
  }

  let rawRoute = c.route;
  let rawReceivers = c.receivers;
  if (rawRoute === undefined && rawReceivers === undefined) {
    rawRoute = { receiver: 'default', matchers: [], continue: false, mute_time_intervals: [], active_time_intervals: [], routes: [] };
    rawReceivers = [{ name: 'default' }];
  }
  const names = new Set<string>();
  const receivers: ReceiverConfig[] = [];
  for (const [i, r] of (rawReceivers ?? []).entries()) {
    if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `notification config name ${JSON.stringify(r.name)} is not unique` });
    names.add(r.name);
    receivers.push(resolveReceiver(r.name, r, g, (p, message) => ctx.addIssue({ code: 'custom', path: ['receivers', i, ...p], message })));
  }

  if (rawRoute === undefined) {
    ctx.addIssue({ code: 'custom', path: ['route'], message: 'no routes provided' });
    return z.NEVER;
  }
  if (rawRoute.receiver === undefined || rawRoute.receiver === '') ctx.addIssue({ code: 'custom', path: ['route', 'receiver'], message: 'root route must specify a default receiver' });
  if (rawRoute.matchers.length > 0) ctx.addIssue({ code: 'custom', path: ['route'], message: 'root route must not have any matchers' });
  if (rawRoute.mute_time_intervals.length > 0) ctx.addIssue({ code: 'custom', path: ['route', 'mute_time_intervals'], message: 'root route must not have any mute time intervals' });
  if (rawRoute.active_time_intervals.length > 0) ctx.addIssue({ code: 'custom', path: ['route', 'active_time_intervals'], message: 'root route must not have any active time intervals' });
  if (rawRoute.continue) ctx.addIssue({ code: 'custom', path: ['route', 'continue'], message: 'cannot have continue in root route' });
  const route = inheritRoute(rawRoute, undefined);

  const intervalNames = new Set<string>();
  for (const [key, list] of [['mute_time_intervals', c.mute_time_intervals], ['time_intervals', c.time_intervals]] as const) {
    for (const [i, ti] of list.entries()) {
      if (intervalNames.has(ti.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `${key === 'time_intervals' ? 'time interval' : 'mute time interval'} ${JSON.stringify(ti.name)} is not unique` });
      intervalNames.add(ti.name);
    }
  }
  const walk = (r: RouteConfig, path: (string | number)[]): void => {
    if (r.receiver !== '' && !names.has(r.receiver)) ctx.addIssue({ code: 'custom', path: [...path, 'receiver'], message: `undefined receiver ${JSON.stringify(r.receiver)} used in route` });
    for (const ti of [...r.mute_time_intervals, ...r.active_time_intervals]) {
      if (!intervalNames.has(ti)) ctx.addIssue({ code: 'custom', path, message: `undefined time interval ${JSON.stringify(ti)} used in route` });
    }
    r.routes.forEach((child, i) => walk(child, [...path, 'routes', i]));
  };
  walk(route, ['route']);

  return {
    global: g,
    route,
    receivers,
    inhibit_rules: c.inhibit_rules,
    time_intervals: [...c.mute_time_intervals, ...c.time_intervals],
    templates: c.templates,
    history_retention: c.history_retention,
    alertmanagers: c.alertmanagers,
    external_url: c.external_url,
  };
});

/** The `alerting:` section failed validation; `issues` are `path: message` lines. */
export class AlertingConfigError extends VigieError {
  override name = 'AlertingConfigError';
  constructor(readonly issues: readonly string[], options?: ErrorOptions) {
    super(`invalid alerting configuration:\n  ${issues.join('\n  ')}`, options);
  }
}

/** Validates an already parsed YAML/JSON value as the `alerting:` section; throws AlertingConfigError. */
export function parseAlertingConfig(value: unknown): AlertingConfig {
  const r = alertingConfigSchema.safeParse(value);
  if (r.success) return r.data;
  throw new AlertingConfigError(r.error.issues.map((i) => `${i.path.length > 0 ? `${formatPath(i.path)}: ` : ''}${i.message}`), { cause: r.error });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
