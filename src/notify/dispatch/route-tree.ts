import type { Matcher } from '../../model/index.js';
import type { RouteConfig } from '../config/index.js';
import { compareBytes } from './fingerprint.js';

/** A route node with its Alertmanager key (`{}/{severity="page"}`), used in group keys. */
export interface RouteNode {
  readonly config: RouteConfig;
  readonly key: string;
  readonly children: readonly RouteNode[];
}

function matchersKey(ms: readonly Matcher[]): string {
  const sorted = [...ms].sort((a, b) => compareBytes(a.name, b.name) || compareBytes(a.value, b.value) || compareBytes(a.type, b.type));
  return `{${sorted.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** Builds the keyed tree of a validated route config. */
export function buildRouteTree(config: RouteConfig, parentKey?: string): RouteNode {
  const key = parentKey === undefined ? matchersKey(config.matchers) : `${parentKey}/${matchersKey(config.matchers)}`;
  return { config, key, children: config.routes.map((c) => buildRouteTree(c, key)) };
}

function matches(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of ms) if (!m.matches(labels[m.name] ?? '')) return false;
  return true;
}

/**
 * The routes an alert goes to, as Alertmanager: depth-first, the first matching child wins
 * unless it has `continue: true`; a node none of whose children match takes the alert itself.
 * The root always matches.
 */
export function matchRoutes(node: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] {
  if (!matches(node.config.matchers, labels)) return [];
  const out: RouteNode[] = [];
  for (const child of node.children) {
    const got = matchRoutes(child, labels);
    out.push(...got);
    if (got.length > 0 && !child.config.continue) break;
  }
  if (out.length === 0) out.push(node);
  return out;
}
