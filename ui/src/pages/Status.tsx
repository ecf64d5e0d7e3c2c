import { useApp } from '../components/nav';
import { StatusBadge } from '../components/StatusBadge';
import { useAsync } from '../components/useAsync';
import { apiData } from '../lib/prom';
import { formatLabels } from '../lib/prom';
import { RulesSection } from './status/RulesSection';

interface Target {
  readonly labels: Record<string, string>;
  readonly scrapeUrl: string;
  readonly health: string;
  readonly lastError: string;
  readonly lastScrape: string;
  readonly lastScrapeDuration: number;
}
interface TsdbStatus {
  readonly headStats?: Record<string, number>;
  readonly seriesCountByMetricName?: { name: string; value: number }[];
  readonly labelValueCountByLabelName?: { name: string; value: number }[];
}

export function StatusPage() {
  const { session } = useApp();
  const build = useAsync((s) => apiData<Record<string, string>>(session, '/api/v1/status/buildinfo', s), []);
  const targets = useAsync((s) => apiData<{ activeTargets: Target[] }>(session, '/api/v1/targets', s), [], 15_000);
  const tsdb = useAsync((s) => apiData<TsdbStatus>(session, '/api/v1/status/tsdb', s), []);
  const config = useAsync((s) => apiData<{ yaml: string }>(session, '/api/v1/status/config', s), []);
  return (
    <>
      <h1>Status</h1>
      <section class="card">
        <h2>Build</h2>
        {build.error !== undefined ? <p class="error">{build.error}</p> : null}
        <dl class="facts">
          {Object.entries(build.data ?? {}).map(([k, v]) => (
            <div key={k}><dt>{k}</dt><dd class="wrap-anywhere">{v}</dd></div>
          ))}
        </dl>
      </section>
      <section class="card">
        <h2>Targets</h2>
        {targets.error !== undefined ? <p class="error">{targets.error}</p> : null}
        <div class="table-wrap">
          <table>
            <thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th>Error</th></tr></thead>
            <tbody>
              {(targets.data?.activeTargets ?? []).map((t) => (
                <tr key={t.scrapeUrl + formatLabels(t.labels)}>
                  <td class="wrap-anywhere">{t.scrapeUrl}</td>
                  <td><StatusBadge health={t.health === 'up' ? 'ok' : t.health === 'down' ? 'crit' : 'unknown'} label={t.health} /></td>
                  <td class="wrap-anywhere mono">{formatLabels(t.labels)}</td>
                  <td>{t.lastScrape ? new Date(t.lastScrape).toLocaleTimeString() : '—'} ({Math.round(t.lastScrapeDuration * 1000)} ms)</td>
                  <td class="error wrap-anywhere">{t.lastError}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {targets.data !== undefined && targets.data.activeTargets.length === 0 ? <p class="muted">No scrape target (the built-in host collector is not a target).</p> : null}
        </div>
      </section>
      <RulesSection />
      <section class="card">
        <h2>TSDB</h2>
        {tsdb.error !== undefined ? <p class="error">{tsdb.error}</p> : null}
        <dl class="facts">
          {Object.entries(tsdb.data?.headStats ?? {}).map(([k, v]) => (
            <div key={k}><dt>{k}</dt><dd>{k.endsWith('Time') ? new Date(v).toISOString() : String(v)}</dd></div>
          ))}
        </dl>
        <h3>Series by metric name (top)</h3>
        <div class="table-wrap">
          <table>
            <tbody>
              {(tsdb.data?.seriesCountByMetricName ?? []).slice(0, 10).map((r) => (
                <tr key={r.name}><td class="mono wrap-anywhere">{r.name}</td><td>{r.value}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="card">
        <h2>Configuration</h2>
        {config.error !== undefined ? <p class="error">{config.error}</p> : null}
        <pre class="config">{config.data?.yaml ?? ''}</pre>
      </section>
    </>
  );
}
