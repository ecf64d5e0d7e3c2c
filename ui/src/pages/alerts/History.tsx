import { useApp } from '../../components/nav';
import { RangePicker } from '../../components/RangePicker';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import { HttpError } from '../../lib/api';
import { otherLabels } from '../../lib/alerts';
import { buildTimelines, historyPath, parseHistory, spanBox } from '../../lib/alerts-history';
import { apiData } from '../../lib/prom';
import { describeRange, resolveRange } from '../../lib/timerange';
import { useUrlRange } from '../../components/useUrlRange';

const REFRESH_MS = 15_000;
const STATE_HEALTH = { pending: 'unknown', firing: 'crit', resolved: 'ok' } as const;

/** Per alert instance a horizontal timeline of its pending and firing spans over the range, then every transition. */
export function History() {
  const { session } = useApp();
  const { range, setRange } = useUrlRange();
  const s = useAsync(async (signal) => {
    const { startMs, endMs } = resolveRange(range, Date.now());
    try {
      const entries = parseHistory(await apiData<unknown>(session, historyPath(startMs, endMs), signal));
      return { startMs, endMs, entries, timelines: buildTimelines(entries, startMs, endMs) };
    } catch (e) {
      if (e instanceof HttpError && (e.status === 404 || e.status === 503)) return undefined;
      throw e;
    }
  }, [JSON.stringify(range)], range.kind === 'relative' ? REFRESH_MS : undefined);
  const d = s.data;
  return (
    <>
      <div class="toolbar">
        <RangePicker value={range} onChange={setRange} nowMs={Date.now()} />
        <span class="legend small"><span class="swatch swatch-pending" /> pending <span class="swatch swatch-firing" /> firing</span>
      </div>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {d === undefined ? <p class="muted">{s.loading ? 'Loading…' : 'The alert history is not available on this server.'}</p> : null}
      {d !== undefined ? (
        <section class="card">
          <h2>Timeline ({describeRange(range)})</h2>
          {d.timelines.length === 0 ? <p class="muted">No alert changed state in this range.</p> : null}
          <ul class="timelines">
            {d.timelines.map((tl) => (
              <li key={tl.key} class="timeline" data-alertname={tl.alertname}>
                <div class="timeline-name wrap-anywhere">
                  <strong>{tl.alertname}</strong> <span class="muted small mono">{otherLabels(tl.labels).map(([k, v]) => `${k}="${v}"`).join(' ')}</span>
                </div>
                <div class="timeline-bar" role="img" aria-label={`${tl.alertname}: ${tl.spans.map((x) => `${x.state} ${new Date(x.startMs).toLocaleString()} to ${x.open ? 'now' : new Date(x.endMs).toLocaleString()}`).join('; ') || 'no pending or firing time in range'}`}>
                  {tl.spans.map((x, i) => {
                    const b = spanBox(x, d.startMs, d.endMs);
                    return <span key={i} class={`span span-${x.state}`} style={{ left: `${b.left}%`, width: `${b.width}%` }} title={`${x.state}: ${new Date(x.startMs).toLocaleString()} → ${x.open ? 'ongoing' : new Date(x.endMs).toLocaleString()}`} />;
                  })}
                </div>
              </li>
            ))}
          </ul>
          <div class="timeline-axis small muted"><span>{new Date(d.startMs).toLocaleString()}</span><span>{new Date(d.endMs).toLocaleString()}</span></div>
        </section>
      ) : null}
      {d !== undefined && d.entries.length > 0 ? (
        <section class="card">
          <h2>Transitions</h2>
          <div class="table-wrap">
            <table class="history">
              <thead><tr><th>Time</th><th>Alert</th><th>Change</th><th>Labels</th><th>Value</th></tr></thead>
              <tbody>
                {d.entries.map((e, i) => (
                  <tr key={i}>
                    <td>{new Date(e.time).toLocaleString()}</td>
                    <td class="wrap-anywhere">{e.alertname}</td>
                    <td><span class="muted small">{e.from} →</span> <StatusBadge health={STATE_HEALTH[e.state as keyof typeof STATE_HEALTH] ?? 'unknown'} label={e.state} /></td>
                    <td class="mono small wrap-anywhere">{otherLabels(e.labels).map(([k, v]) => `${k}="${v}"`).join(', ')}</td>
                    <td class="mono small">{e.value ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}
