import { useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import { HttpError, apiFetch, canEdit } from '../../lib/api';
import { type ShownAlert, groupAlerts, joinAlerts, labelsKey, otherLabels, parseAmAlerts, parseRuleAlerts, sinceSeconds } from '../../lib/alerts';
import { apiData } from '../../lib/prom';
import { formatSeconds } from '../../lib/series';
import { silenceForAlert } from '../../lib/silences';
import { SilenceForm } from './SilenceForm';

const REFRESH_MS = 15_000;

/** Alertmanager's view; [] when alerting is not served (404). */
async function amAlerts(session: Parameters<typeof apiFetch>[0], signal: AbortSignal): Promise<unknown> {
  try {
    return await apiFetch<unknown>(session, '/api/v2/alerts', {}, signal);
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return [];
    throw e;
  }
}

/** Firing and pending alerts grouped by alertname (see src/lib/alerts.ts for why), with "Silence". */
export function AlertList({ onSilenced }: { onSilenced: () => void }) {
  const { session, me } = useApp();
  const [version, setVersion] = useState(0);
  const [silencing, setSilencing] = useState<string | undefined>();
  const s = useAsync(async (signal) => {
    const [rule, am] = await Promise.all([apiData<unknown>(session, '/api/v1/alerts', signal), amAlerts(session, signal)]);
    return groupAlerts(joinAlerts(parseRuleAlerts(rule), parseAmAlerts(am)));
  }, [version], REFRESH_MS);
  const now = Date.now();
  const editable = canEdit(me.role);
  return (
    <>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {s.data === undefined ? <p class="muted">Loading…</p> : s.data.length === 0 ? <p class="muted">No alert is firing or pending.</p> : null}
      {(s.data ?? []).map((g) => (
        <section key={g.alertname} class="card alert-group" data-alertname={g.alertname}>
          <h2 class="alert-group-title">
            <span class="wrap-anywhere">{g.alertname}</span>
            {g.firing > 0 ? <StatusBadge health={g.severity === 'critical' ? 'crit' : 'warn'} label={`${g.firing} firing`} /> : null}
            {g.pending > 0 ? <StatusBadge health="unknown" label={`${g.pending} pending`} /> : null}
          </h2>
          <ul class="alert-items">
            {g.alerts.map((a) => {
              const key = labelsKey(a.labels);
              return (
                <li key={key} class="alert-item">
                  <AlertRow alert={a} nowMs={now} />
                  {editable && silencing !== key && a.silencedBy.length === 0 ? (
                    <button type="button" class="silence-btn" data-change onClick={() => setSilencing(key)}>Silence</button>
                  ) : null}
                  {editable && silencing === key ? (
                    <SilenceForm
                      matchers={silenceForAlert(a.labels, me.user, '', now).matchers}
                      comment="Silenced from the Alerts page"
                      onDone={() => { setSilencing(undefined); setVersion((v) => v + 1); onSilenced(); }}
                      onCancel={() => setSilencing(undefined)}
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </>
  );
}

function AlertRow({ alert: a, nowMs }: { alert: ShownAlert; nowMs: number }) {
  const since = sinceSeconds(a.activeAt, nowMs);
  const summary = a.annotations['summary'];
  const description = a.annotations['description'];
  return (
    <div class="alert-row">
      <div class="alert-state">
        <StatusBadge health={a.state === 'firing' ? (a.labels['severity'] === 'critical' ? 'crit' : 'warn') : 'unknown'} label={a.state} />
        {a.silencedBy.length > 0 ? <span class="badge badge-unknown" title={`silence ${a.silencedBy.join(', ')}`}>🔕 silenced</span> : null}
        {a.inhibitedBy.length > 0 ? <span class="badge badge-unknown" title={`inhibited by ${a.inhibitedBy.join(', ')}`}>⊘ inhibited</span> : null}
        <span class="muted small">{since === undefined ? '' : `active for ${formatSeconds(since)}`}{a.activeAt !== null ? ` (since ${new Date(a.activeAt).toLocaleString()})` : ''}</span>
      </div>
      {summary ? <p class="alert-summary-text wrap-anywhere">{summary}</p> : null}
      {description ? <p class="muted small wrap-anywhere">{description}</p> : null}
      <div class="label-chips">
        {otherLabels(a.labels).map(([k, v]) => <span key={k} class="chip mono wrap-anywhere">{k}="{v}"</span>)}
      </div>
      {a.receivers.length > 0 ? <p class="muted small">Receivers: {a.receivers.join(', ')}</p> : null}
    </div>
  );
}
