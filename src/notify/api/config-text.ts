import { stringify } from 'yaml';
import type { RouteConfig } from '../config/index.js';
import type { AlertingConfig } from '../config/index.js';
import { formatMatcher } from '../matchers/index.js';

function routeYaml(r: RouteConfig, parent: RouteConfig | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (parent === undefined || r.receiver !== parent.receiver) out['receiver'] = r.receiver;
  out['group_by'] = r.group_by_all ? ['...'] : r.group_by;
  if (r.matchers.length > 0) out['matchers'] = r.matchers.map(formatMatcher);
  if (r.continue) out['continue'] = true;
  const dur = (ms: number): string => `${Math.round(ms / 1000)}s`;
  out['group_wait'] = dur(r.group_wait);
  out['group_interval'] = dur(r.group_interval);
  out['repeat_interval'] = dur(r.repeat_interval);
  if (r.mute_time_intervals.length > 0) out['mute_time_intervals'] = r.mute_time_intervals;
  if (r.active_time_intervals.length > 0) out['active_time_intervals'] = r.active_time_intervals;
  if (r.routes.length > 0) out['routes'] = r.routes.map((c) => routeYaml(c, r));
  return out;
}

/**
 * The routing part of the configuration as Alertmanager YAML (for `/api/v2/status`
 * config.original, which `amtool config routes` reads): the route tree, inhibit rules and
 * receiver names. Receiver integrations are left out so no secret is ever shown.
 */
export function alertingConfigText(c: AlertingConfig): string {
  return stringify({
    route: routeYaml(c.route, undefined),
    inhibit_rules: c.inhibit_rules.map((r) => ({ source_matchers: r.source_matchers.map(formatMatcher), target_matchers: r.target_matchers.map(formatMatcher), equal: r.equal })),
    receivers: c.receivers.map((r) => ({ name: r.name })),
  });
}
