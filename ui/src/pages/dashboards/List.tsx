import { useMemo, useState } from 'preact/hooks';
import { Link } from '../../components/Link';
import { useApp } from '../../components/nav';
import { useAsync } from '../../components/useAsync';
import { canEdit } from '../../lib/api';
import { type DashboardSummary, type ImportAnswer, deleteDashboard, downloadExport, listDashboards, saveDashboard } from '../../lib/dashboards/api';
import { emptyDashboard } from '../../lib/dashboards/model';
import { dashboardPath } from '../../lib/router';
import { ImportForm } from './ImportForm';
import './dashboards.css';

function matchesSearch(d: DashboardSummary, q: string): boolean {
  const s = q.trim().toLowerCase();
  return s === '' || d.title.toLowerCase().includes(s) || d.tags.some((t) => t.toLowerCase().includes(s));
}

export function DashboardList() {
  const { session, me, nav } = useApp();
  const editor = canEdit(me.role);
  const [reload, setReload] = useState(0);
  const [query, setQuery] = useState('');
  const [showImport, setShowImport] = useState(false);
  const [imported, setImported] = useState<ImportAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const list = useAsync((signal) => listDashboards(session, signal), [reload]);
  const shown = useMemo(() => (list.data ?? []).filter((d) => matchesSearch(d, query)).sort((a, b) => a.title.localeCompare(b.title)), [list.data, query]);

  const create = async (): Promise<void> => {
    try {
      const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
      const a = await saveDashboard(session, emptyDashboard(`New dashboard ${stamp}`));
      nav.navigate(`${dashboardPath(a.uid)}?edit=1`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const remove = async (d: DashboardSummary): Promise<void> => {
    if (!window.confirm(`Delete the dashboard "${d.title}"? This cannot be undone.`)) return;
    try {
      await deleteDashboard(session, d.uid);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const onImported = (a: ImportAnswer): void => {
    if (a.warnings.length === 0) nav.navigate(dashboardPath(a.uid));
    else {
      setImported(a);
      setShowImport(false);
      setReload((n) => n + 1);
    }
  };

  return (
    <>
      <div class="page-head">
        <h1>Dashboards</h1>
        {editor ? (
          <div class="toolbar dash-actions">
            <button type="button" class="primary" data-change onClick={() => void create()}>New dashboard</button>
            <button type="button" data-change aria-expanded={showImport} onClick={() => setShowImport(!showImport)}>Import</button>
          </div>
        ) : null}
      </div>
      {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
      {showImport && editor ? <ImportForm onImported={onImported} /> : null}
      {imported !== undefined ? (
        <section class="card dash-warnings" role="status">
          <p>
            Imported <strong class="wrap-anywhere">{imported.title}</strong> with {imported.warnings.length} warning{imported.warnings.length === 1 ? '' : 's'}:
          </p>
          <ul>
            {imported.warnings.map((w, i) => (
              <li key={i} class="wrap-anywhere">⚠ {w}</li>
            ))}
          </ul>
          <Link href={dashboardPath(imported.uid)} class="dash-open-imported">Open the dashboard →</Link>
        </section>
      ) : null}
      <div class="toolbar">
        <input type="search" placeholder="Search by title or tag" aria-label="Search dashboards" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <span class="muted small">{list.data === undefined ? '' : `${shown.length} of ${list.data.length}`}</span>
      </div>
      {list.error !== undefined ? <p class="error">{list.error}</p> : null}
      {list.data === undefined && list.error === undefined ? <p class="muted">Loading…</p> : null}
      {list.data !== undefined && list.data.length === 0 ? <p class="muted">No dashboards yet.{editor ? ' Create one or import one from Grafana.' : ''}</p> : null}
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="dash-table">
            <thead>
              <tr>
                <th>Title</th>
                <th>Tags</th>
                <th>Updated</th>
                <th><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <tr key={d.uid}>
                  <td class="wrap-anywhere"><Link href={dashboardPath(d.uid)}>{d.title}</Link></td>
                  <td>
                    <span class="dash-tags">{d.tags.map((t) => <button type="button" class="dash-tag" key={t} onClick={() => setQuery(t)}>{t}</button>)}</span>
                  </td>
                  <td class="small">
                    <time dateTime={d.updatedAt}>{d.updatedAt.slice(0, 16).replace('T', ' ')}</time>
                    {d.updatedBy ? <span class="muted"> by {d.updatedBy}</span> : null}
                  </td>
                  <td class="dash-row-actions">
                    <button type="button" class="link dash-export" title="Download the Grafana JSON" onClick={() => downloadExport(session, d.uid, d.title).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>Export</button>
                    {editor ? <button type="button" class="link danger" data-change onClick={() => void remove(d)}>Delete</button> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
