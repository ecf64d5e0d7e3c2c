import { useMemo } from 'preact/hooks';
import { useApp } from '../components/nav';
import { StatusBadge } from '../components/StatusBadge';
import { useAsync } from '../components/useAsync';
import { HttpError } from '../lib/api';
import { formatUptime } from '../lib/overview';
import { type ProbeInfo, type ProbesUrlState, PROBE_STATUSES, filterProbes, parseProbeList, probesStateFromParams, probesStateToParams } from '../lib/probes';
import { apiData } from '../lib/prom';
import { formatValue } from '../lib/series';
import { probeHealth } from '../lib/status';
import { CertCell } from './probes/CertCell';
import { ProbeDetail } from './probes/ProbeDetail';
import './probes/probes.css';

const REFRESH_MS = 15_000;

/** /probes: every probe target; ?probe=<job>&target=<instance> opens one target's detail. */
export function ProbesPage() {
  const { session, nav } = useApp();
  const state = useMemo(() => probesStateFromParams(new URLSearchParams(nav.search)), [nav.search]);
  const go = (s: ProbesUrlState, replace = false): void => {
    const p = new URLSearchParams(nav.search);
    probesStateToParams(s, p);
    const q = p.toString();
    nav.navigate(q === '' ? nav.path : `${nav.path}?${q}`, replace);
  };
  const probes = useAsync(async (signal): Promise<ProbeInfo[] | undefined> => {
    try {
      return parseProbeList(await apiData<unknown>(session, '/api/v1/probes', signal));
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }, [], REFRESH_MS);

  if (state.detail !== undefined) {
    const d = state.detail;
    const info = probes.data?.find((p) => p.job === d.job && p.instance === d.instance);
    return <ProbeDetail job={d.job} instance={d.instance} info={info} onBack={() => go({ ...state, detail: undefined })} />;
  }

  const all = probes.data ?? [];
  const jobs = [...new Set(all.map((p) => p.job))].sort();
  const shown = filterProbes(all, state);
  const now = Date.now();
  return (
    <>
      <h1>Probes</h1>
      <div class="toolbar probes-toolbar">
        <label class="check">
          Job{' '}
          <select value={state.job} onChange={(e) => go({ ...state, job: e.currentTarget.value }, true)}>
            <option value="">all</option>
            {jobs.map((j) => <option key={j} value={j}>{j}</option>)}
          </select>
        </label>
        <label class="check">
          Status{' '}
          <select value={state.status} onChange={(e) => go({ ...state, status: e.currentTarget.value }, true)}>
            <option value="">all</option>
            {PROBE_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <span class="muted small">{shown.length} of {all.length} targets · refreshed every {REFRESH_MS / 1000} s</span>
      </div>
      {probes.error !== undefined ? <p class="error">{probes.error}</p> : null}
      {probes.data === undefined ? <p class="muted">{probes.loading ? 'Loading…' : 'Probes are not available on this server.'}</p> : null}
      {probes.data !== undefined && all.length === 0 ? <p class="muted">No probe configured (add a <code>probes:</code> job to the configuration).</p> : null}
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="probes-table">
            <thead>
              <tr><th>Target</th><th>Status</th><th>Module</th><th>Last duration</th><th>Failure reason</th><th>Certificate</th><th>Uptime 24h</th><th>7d</th><th>30d</th></tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr key={`${p.job}\u0000${p.instance}`} data-target={p.instance}>
                  <td class="wrap-anywhere">
                    <a href={`/probes?probe=${encodeURIComponent(p.job)}&target=${encodeURIComponent(p.instance)}`} class="probe-link" onClick={(e) => { if (e.button !== 0 || e.metaKey || e.ctrlKey) return; e.preventDefault(); go({ ...state, detail: { job: p.job, instance: p.instance } }); }}>
                      {p.instance}
                    </a>
                    <span class="muted small"> ({p.job})</span>
                  </td>
                  <td><StatusBadge health={probeHealth(p.status)} label={p.status} /></td>
                  <td>{p.module}</td>
                  <td>{formatValue(p.lastProbe?.durationSeconds, 'seconds')}</td>
                  <td class="wrap-anywhere">{p.reason ?? (p.lastProbe?.failureReason ?? '')}</td>
                  <td><CertCell expiry={p.lastProbe?.certExpiry ?? null} nowMs={now} /></td>
                  <td>{formatUptime(p.uptime['24h'] ?? undefined)}</td>
                  <td>{formatUptime(p.uptime['7d'] ?? undefined)}</td>
                  <td>{formatUptime(p.uptime['30d'] ?? undefined)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
