// Explore's state as URL parameters, so that a query can be shared by its link.
import { type TimeRange, DEFAULT_RANGE, rangeFromParams, rangeToParams } from './timerange';

export type ExploreView = 'graph' | 'table';
export interface ExploreState {
  readonly expr: string;
  readonly range: TimeRange;
  readonly view: ExploreView;
  readonly stacked: boolean;
}

export const MAX_EXPR_LENGTH = 10_000;

/** `?q=...&range=1h&view=table&stacked=1`; invalid or missing values take their defaults. */
export function exploreFromSearch(search: string): ExploreState {
  const p = new URLSearchParams(search);
  const expr = (p.get('q') ?? '').slice(0, MAX_EXPR_LENGTH);
  const view: ExploreView = p.get('view') === 'table' ? 'table' : 'graph';
  return { expr, range: rangeFromParams(p, DEFAULT_RANGE), view, stacked: p.get('stacked') === '1' };
}

/** The search string (with its "?") for a state; defaults are left out to keep links short. */
export function exploreToSearch(s: ExploreState): string {
  const p = new URLSearchParams();
  if (s.expr !== '') p.set('q', s.expr);
  rangeToParams(s.range, p);
  if (s.view !== 'graph') p.set('view', s.view);
  if (s.stacked) p.set('stacked', '1');
  const q = p.toString();
  return q === '' ? '' : `?${q}`;
}
