import { Chart } from '../../components/Chart';
import { useApp } from '../../components/nav';
import { RangePicker } from '../../components/RangePicker';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import type { ApiSession } from '../../lib/api';
import { formatUptime } from '../../lib/overview';
import { type ProbeInfo, incidentsPath, latencyQueries, parseIncidents, phaseRank } from '../../lib/probes';
import { apiData, queryRange } from '../../lib/prom';
import { type Columns, alignSeries, formatSeconds, formatValue } from '../../lib/series';
import { probeHealth } from '../../lib/status';
import { resolveRange, stepFor } from '../../lib/timerange';
import { CertCell } from './CertCell';
import { useUrlRange } from '../../components/useUrlRange';

const REFRESH_MS = 15_000;

interface Latency {
  readonly title: string;
  readonly data: Columns;
  readonly names: string[];
  readonly stacked: boolean;
}

/** HTTP phases stacked when the target has them, else the probe's total duration. */
async function loadLatency(session: ApiSession, job: string, instance: string, startMs: number, endMs: number, signal: AbortSignal): Promise<Latency> {
  const step = stepFor(startMs, endMs);
  const q = latencyQueries(job, instance);
  const phases = (await queryRange(session, q.phases, startMs, endMs, step, signal)).sort((a, b) => phaseRank(a.metric['phase'] ?? '') - phaseRank(b.metric['phase'] ?? ''));
  if (phases.length > 0) return { title: 'Latency by phase', data: alignSeries(phases), names: phases.map((s) => s.metric['phase'] ?? '?'), stacked: true };
  const total = await queryRange(session, q.total, startMs, endMs, step, signal);
  return { title: 'Probe duration', data: alignSeries(total), names: total.map(() => 'duration'), stacked: false };
}

const fmtTime = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString());

/** One probe target: facts, latency over the chosen range, and its incidents in that range. */
export function ProbeDetail({ job, instance, info, onBack }: { job: string; instance: string; info: ProbeInfo | undefined; onBack: () => void }) {
  const { session } = useApp();
  const { range, setRange, rangeKey } = useUrlRange();
  const refresh = range.kind === 'relative' ? REFRESH_MS : undefined;
  const latency = useAsync((signal) => {
    const { startMs, endMs } = resolveRange(range, Date.now());
    return loadLatency(session, job, instance, startMs, endMs, signal);
  }, [job, instance, rangeKey], refresh);
  const incidents = useAsync(async (signal) => {
    const { startMs, endMs } = resolveRange(range, Date.now());
    return parseIncidents(await apiData<unknown>(session, incidentsPath(job, instance, startMs, endMs), signal));
  }, [job, instance, rangeKey], refresh);
  const last = info?.lastProbe;
  return (
    <div class="probe-detail">
      <p><a href="/probes" onClick={(e) => { e.preventDefault(); onBack(); }}>← All probes</a></p>
      <div class="page-head">
        <h1 class="wrap-anywhere">{instance}</h1>
        <RangePicker value={range} onChange={setRange} nowMs={Date.now()} />
      </div>
      <dl class="facts">
        <div><dt>Status</dt><dd>{info === undefined ? '—' : <StatusBadge health={probeHealth(info.status)} label={info.status} />}</dd></div>
        <div><dt>Job</dt><dd>{job}</dd></div>
        <div><dt>Module</dt><dd>{info?.module ?? '—'}</dd></div>
        <div><dt>Last probe</dt><dd>{fmtTime(last?.time ?? null)}</dd></div>
        <div><dt>Duration</dt><dd>{formatValue(last?.durationSeconds, 'seconds')}</dd></div>
        {last?.httpStatusCode ? <div><dt>HTTP status</dt><dd>{last.httpStatusCode}</dd></div> : null}
        <div><dt>Certificate</dt><dd><CertCell expiry={last?.certExpiry ?? null} nowMs={Date.now()} /></dd></div>
        <div><dt>Uptime 24h · 7d · 30d</dt><dd>{formatUptime(info?.uptime['24h'] ?? undefined)} · {formatUptime(info?.uptime['7d'] ?? undefined)} · {formatUptime(info?.uptime['30d'] ?? undefined)}</dd></div>
      </dl>
      {info?.reason ? <p class="error wrap-anywhere">Failure: {info.reason}</p> : null}
      <div class="card">
        {latency.error !== undefined ? <p class="error">{latency.error}</p> : null}
        {latency.data === undefined ? <p class="muted">Loading…</p> : (
          <Chart title={`${latency.data.title} — ${instance}`} data={latency.data.data} names={latency.data.names} unit="seconds" stacked={latency.data.stacked} onZoom={(from, to) => setRange({ kind: 'absolute', fromMs: from, toMs: to })} />
        )}
      </div>
      <section class="card">
        <h2>Incidents in this range</h2>
        {incidents.error !== undefined ? <p class="error">{incidents.error}</p> : null}
        {incidents.data !== undefined && incidents.data.length === 0 ? <p class="muted">No incident in this range.</p> : null}
        {(incidents.data ?? []).length > 0 ? (
          <div class="table-wrap">
            <table class="incidents">
              <thead><tr><th>Start</th><th>End</th><th>Duration</th><th>Status</th><th>Reason</th></tr></thead>
              <tbody>
                {(incidents.data ?? []).map((i) => (
                  <tr key={String(i.id)}>
                    <td>{fmtTime(i.start)}</td>
                    <td>{i.open ? <StatusBadge health="crit" label="ongoing" /> : fmtTime(i.end)}</td>
                    <td>{formatSeconds(i.durationSeconds)}</td>
                    <td><StatusBadge health={probeHealth(i.status)} label={i.status} /></td>
                    <td class="wrap-anywhere">{i.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}
