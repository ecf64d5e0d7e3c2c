import { useApp } from '../../components/nav';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import { apiData } from '../../lib/prom';

/** One rule as GET /api/v1/rules answers it (Prometheus' shape; alerting rules add `state`). */
interface Rule {
  readonly name: string;
  readonly query: string;
  readonly type: 'alerting' | 'recording';
  readonly health: string;
  readonly lastError?: string;
  readonly state?: string;
  /** Seconds. */
  readonly evaluationTime?: number;
  readonly lastEvaluation?: string;
}
interface RuleGroup {
  readonly name: string;
  readonly file: string;
  /** Seconds. */
  readonly interval: number;
  readonly rules: readonly Rule[];
  /** Seconds. */
  readonly evaluationTime?: number;
}

function health(r: Rule): 'ok' | 'warn' | 'crit' | 'unknown' {
  if (r.health === 'err') return 'crit';
  if (r.state === 'firing') return 'crit';
  if (r.state === 'pending') return 'warn';
  return r.health === 'ok' ? 'ok' : 'unknown';
}

/** The Status page's rules: every group, each rule's health, state, last error and cost. */
export function RulesSection() {
  const { session } = useApp();
  const rules = useAsync((s) => apiData<{ groups: RuleGroup[] }>(session, '/api/v1/rules', s), [], 15_000);
  const groups = rules.data?.groups ?? [];
  return (
    <section class="card">
      <h2>Rules</h2>
      {rules.error !== undefined ? <p class="error">{rules.error}</p> : null}
      {rules.data !== undefined && groups.length === 0 ? <p class="muted">No rule group loaded (see rule_files in the configuration).</p> : null}
      {groups.map((g) => (
        <div key={`${g.file}/${g.name}`}>
          <h3 class="wrap-anywhere">
            {g.name} <span class="muted">· {g.file} · every {g.interval}s{g.evaluationTime !== undefined ? ` · ${(g.evaluationTime * 1000).toFixed(1)} ms` : ''}</span>
          </h3>
          <div class="table-wrap">
            <table>
              <thead><tr><th>Rule</th><th>State</th><th>Query</th><th>Last evaluation</th><th>Error</th></tr></thead>
              <tbody>
                {g.rules.map((r) => (
                  <tr key={r.type + r.name + r.query}>
                    <td class="wrap-anywhere">{r.name} <span class="muted">({r.type})</span></td>
                    <td><StatusBadge health={health(r)} label={r.state ?? r.health} /></td>
                    <td class="mono wrap-anywhere">{r.query}</td>
                    <td>{r.lastEvaluation !== undefined && !r.lastEvaluation.startsWith('0001') ? new Date(r.lastEvaluation).toLocaleTimeString() : '—'}{r.evaluationTime !== undefined ? ` (${(r.evaluationTime * 1000).toFixed(1)} ms)` : ''}</td>
                    <td class="error wrap-anywhere">{r.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </section>
  );
}
