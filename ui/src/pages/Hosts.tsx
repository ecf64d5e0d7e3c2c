import { Link } from '../components/Link';
import { useApp } from '../components/nav';
import { StatusBadge } from '../components/StatusBadge';
import { useAsync } from '../components/useAsync';
import { type OverviewKey, OVERVIEW_QUERIES, hostTiles } from '../lib/overview';
import { queryInstant } from '../lib/prom';
import { hostPath } from '../lib/router';
import { formatValue } from '../lib/series';

/** Every host of job="node" in a table (the overview shows the same as tiles). */
export function HostsPage() {
  const { session } = useApp();
  const s = useAsync(async (signal) => {
    const keys = Object.keys(OVERVIEW_QUERIES) as OverviewKey[];
    const results = await Promise.all(keys.map((k) => queryInstant(session, OVERVIEW_QUERIES[k], undefined, signal).catch(() => [])));
    return hostTiles(Object.fromEntries(keys.map((k, i) => [k, results[i] ?? []])));
  }, [], 15_000);
  return (
    <>
      <h1>Hosts</h1>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      <div class="table-wrap">
        <table>
          <thead><tr><th>Host</th><th>Status</th><th>CPU</th><th>RAM</th><th>Disk</th><th>Uptime</th></tr></thead>
          <tbody>
            {(s.data ?? []).map((h) => (
              <tr key={h.instance}>
                <td><Link href={hostPath(h.instance)}>{h.instance}</Link></td>
                <td title={h.verdict.reasons.join('\n')}><StatusBadge health={h.verdict.health} /></td>
                <td>{formatValue(h.facts.cpuPercent, 'percent')}</td>
                <td>{formatValue(h.facts.memPercent, 'percent')}</td>
                <td>{formatValue(h.facts.diskPercent, 'percent')}</td>
                <td>{formatValue(h.uptimeSeconds, 'seconds')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
