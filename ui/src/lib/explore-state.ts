// Explore's state as URL parameters, so that a query can be shared by its link.
import { type TimeRange, DEFAULT_RANGE, formatDuration, parseDuration, rangeFromParams, rangeToParams } from './timerange';

export type ExploreView = 'graph' | 'table';
export interface ExploreState {
  readonly expr: string;
  readonly range: TimeRange;
  readonly view: ExploreView;
  readonly stacked: boolean;
  /** Resolution of range queries in ms (`?step=1m`); undefined: automatic (about 500 points). */
  readonly stepMs?: number | undefined;
}

/** The resolutions Explore offers besides automatic; `?step=` may hold any duration of 1 s or more. */
export const EXPLORE_STEPS_MS: readonly number[] = [15_000, 60_000, 300_000, 3_600_000];

export const MAX_EXPR_LENGTH = 10_000;

/** `?q=...&range=1h&view=table&stacked=1`; invalid or missing values take their defaults. */
export function exploreFromSearch(search: string): ExploreState {
  const p = new URLSearchParams(search);
  const expr = (p.get('q') ?? '').slice(0, MAX_EXPR_LENGTH);
  const view: ExploreView = p.get('view') === 'table' ? 'table' : 'graph';
  const step = parseDuration(p.get('step') ?? '');
  return { expr, range: rangeFromParams(p, DEFAULT_RANGE), view, stacked: p.get('stacked') === '1', stepMs: step !== undefined && step >= 1000 ? step : undefined };
}

/** The search string (with its "?") for a state; defaults are left out to keep links short. */
export function exploreToSearch(s: ExploreState): string {
  const p = new URLSearchParams();
  if (s.expr !== '') p.set('q', s.expr);
  rangeToParams(s.range, p);
  if (s.view !== 'graph') p.set('view', s.view);
  if (s.stacked) p.set('stacked', '1');
  if (s.stepMs !== undefined) p.set('step', formatDuration(s.stepMs));
  const q = p.toString();
  return q === '' ? '' : `?${q}`;
}
