import { Link } from '../components/Link';
import { useApp } from '../components/nav';
import { StatusBadge } from '../components/StatusBadge';
import { useAsync } from '../components/useAsync';
import { HttpError } from '../lib/api';
import { type AvailabilityResults, type OverviewKey, type PromAlert, type ProbeTarget, AVAILABILITY_WINDOWS, OVERVIEW_QUERIES, availabilityQueries, firingCount, formatUptime, hostAvailability, hostTiles, parseProbes } from '../lib/overview';
import { apiData, queryInstant } from '../lib/prom';
import { hostPath } from '../lib/router';
import { formatValue } from '../lib/series';
import { probeHealth } from '../lib/status';

const REFRESH_MS = 15_000;
// Availability over 24 h and 7 d moves slowly and costs subqueries over days: refreshed less often.
const AVAILABILITY_REFRESH_MS = 60_000;

export function OverviewPage() {
  return (
    <>
      <h1>Overview</h1>
      <AlertSummary />
      <HostTiles />
      <ProbeTiles />
    </>
  );
}

function AlertSummary() {
  const { session } = useApp();
  const s = useAsync(async (signal) => {
    try {
      const d = await apiData<{ alerts: PromAlert[] }>(session, '/api/v1/alerts', signal);
      return firingCount(d.alerts);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }, [], REFRESH_MS);
  const c = s.data;
  return (
    <section class="alert-summary" aria-live="polite">
      {c === undefined ? (
        <span class="muted">{s.loading ? 'Loading alerts…' : 'Alerting not available.'}</span>
      ) : (
        <Link href="/alerts" class="alert-count">
          <StatusBadge health={c.critical > 0 ? 'crit' : c.firing > 0 ? 'warn' : 'ok'} label={`${c.firing} firing`} />
          {c.pending > 0 ? <span class="muted"> {c.pending} pending</span> : null}
        </Link>
      )}
    </section>
  );
}

function HostTiles() {
  const { session } = useApp();
  const s = useAsync(async (signal) => {
    const keys = Object.keys(OVERVIEW_QUERIES) as OverviewKey[];
    const [results, alerts] = await Promise.all([
      Promise.all(keys.map((k) => queryInstant(session, OVERVIEW_QUERIES[k], undefined, signal).catch(() => []))),
      apiData<{ alerts: PromAlert[] }>(session, '/api/v1/alerts', signal).then((d) => d.alerts, () => []),
    ]);
    return hostTiles(Object.fromEntries(keys.map((k, i) => [k, results[i] ?? []])), alerts);
  }, [], REFRESH_MS);
  const avail = useAsync(async (signal) => {
    const results: AvailabilityResults = {};
    await Promise.all(
      AVAILABILITY_WINDOWS.map(async (w) => {
        const q = availabilityQueries(w);
        const [up, slots, first] = await Promise.all([q.up, q.slots, q.first].map((e) => queryInstant(session, e, undefined, signal).catch(() => [])));
        results[w] = { up: up ?? [], slots: slots ?? [], first: first ?? [] };
      }),
    );
    return hostAvailability(results, Date.now());
  }, [], AVAILABILITY_REFRESH_MS);
  return (
    <section>
      <h2>Hosts</h2>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {s.data === undefined ? <p class="muted">Loading…</p> : s.data.length === 0 ? <p class="muted">No host reports yet (job="node").</p> : null}
      <div class="tiles">
        {(s.data ?? []).map((h) => (
          <Link key={h.instance} href={hostPath(h.instance)} class={`tile tile-${h.verdict.health}`} title={h.verdict.reasons.join('\n') || 'All checks OK'}>
            <span class="tile-name">{h.instance}</span>
            <StatusBadge health={h.verdict.health} />
            <span class="tile-facts">
              CPU {formatValue(h.facts.cpuPercent, 'percent')} · RAM {formatValue(h.facts.memPercent, 'percent')} · disk {formatValue(h.facts.diskPercent, 'percent')}
            </span>
            <span class="tile-facts tile-availability">
              24h {formatUptime(avail.data?.get(h.instance)?.['24h'])} · 7d {formatUptime(avail.data?.get(h.instance)?.['7d'])}
            </span>
            {h.verdict.reasons.length > 0 ? <span class="tile-reason">{h.verdict.reasons[0]}</span> : <span class="tile-reason muted">up {formatValue(h.uptimeSeconds, 'seconds')}</span>}
          </Link>
        ))}
      </div>
    </section>
  );
}

function ProbeTiles() {
  const { session } = useApp();
  const s = useAsync(async (signal): Promise<ProbeTarget[] | undefined> => {
    try {
      return parseProbes(await apiData<unknown>(session, '/api/v1/probes', signal));
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }, [], REFRESH_MS);
  if (s.data === undefined && !s.loading && s.error === undefined) return null;
  return (
    <section>
      <h2>Probes</h2>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {s.data !== undefined && s.data.length === 0 ? <p class="muted">No probe configured.</p> : null}
      <div class="tiles">
        {(s.data ?? []).map((p) => {
          const health = probeHealth(p.status);
          return (
            <div key={`${p.job}/${p.instance}`} class={`tile tile-${health}`} title={p.reason ?? p.status}>
              <span class="tile-name">{p.instance}</span>
              <StatusBadge health={health} label={p.status} />
              <span class="tile-facts">{p.module ?? p.job}</span>
              <span class="tile-facts">24h {formatUptime(p.uptime?.['24h'])} · 7d {formatUptime(p.uptime?.['7d'])}</span>
              {p.reason ? <span class="tile-reason">{p.reason}</span> : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
