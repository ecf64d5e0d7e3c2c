import { useMemo } from 'preact/hooks';
import { type TimeRange, rangeFromParams, rangeToParams } from '../lib/timerange';
import { useApp } from './nav';

/**
 * The page's time range kept in its URL (`?range=6h` or `?from=&to=`), so that a view can be
 * shared; `setRange` navigates (a history entry) keeping the other parameters. `rangeKey`
 * changes exactly when the range does (for effect dependencies).
 */
export function useUrlRange(): { range: TimeRange; setRange: (r: TimeRange) => void; rangeKey: string } {
  const { nav } = useApp();
  const range = useMemo(() => rangeFromParams(new URLSearchParams(nav.search)), [nav.search]);
  const setRange = (r: TimeRange): void => {
    const p = new URLSearchParams(nav.search);
    rangeToParams(r, p);
    nav.navigate(`${nav.path}?${p.toString()}`);
  };
  return { range, setRange, rangeKey: JSON.stringify(range) };
}
