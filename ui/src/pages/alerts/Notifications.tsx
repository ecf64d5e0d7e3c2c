import { useApp } from '../../components/nav';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import { HttpError } from '../../lib/api';
import { parseAttempts } from '../../lib/alerts';
import { apiData } from '../../lib/prom';
import { formatSeconds } from '../../lib/series';

const REFRESH_MS = 15_000;

/** The last notification attempts (GET /api/v1/notifications), newest first. */
export function Notifications() {
  const { session } = useApp();
  const s = useAsync(async (signal) => {
    try {
      return parseAttempts(await apiData<unknown>(session, '/api/v1/notifications?limit=200', signal));
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }, [], REFRESH_MS);
  return (
    <section class="card">
      <h2>Notification attempts</h2>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {s.data === undefined ? <p class="muted">{s.loading ? 'Loading…' : 'Notifications are not available on this server.'}</p> : s.data.length === 0 ? <p class="muted">No notification sent yet.</p> : null}
      {(s.data ?? []).length > 0 ? (
        <div class="table-wrap">
          <table class="notifications">
            <thead><tr><th>Time</th><th>Receiver</th><th>Integration</th><th>Result</th><th>Alerts</th><th>Duration</th><th>Error</th></tr></thead>
            <tbody>
              {(s.data ?? []).map((a) => (
                <tr key={a.id} data-receiver={a.receiver}>
                  <td>{new Date(a.time).toLocaleString()}</td>
                  <td class="wrap-anywhere">{a.receiver}</td>
                  <td class="mono">{a.integration}</td>
                  <td>
                    <StatusBadge health={a.status === 'ok' ? 'ok' : 'crit'} label={a.status === 'ok' ? 'success' : 'failure'} />{' '}
                    <span class="muted small">{a.outcome}{a.attempt > 1 ? ` (try ${a.attempt})` : ''}{a.httpStatus !== undefined ? ` · HTTP ${a.httpStatus}` : ''}</span>
                  </td>
                  <td>{a.alerts}</td>
                  <td>{formatSeconds(a.durationSeconds)}</td>
                  <td class="error wrap-anywhere">{a.error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
