// One dashboard: time range and refresh in the URL (Grafana's from/to/refresh/var-*), the
// variables bar, the grid of panels, and the edit mode (editors only) with save and conflicts.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { useAsync } from '../../components/useAsync';
import { canEdit } from '../../lib/api';
import { getDashboard, isVersionMismatch, saveDashboard } from '../../lib/dashboards/api';
import { addPanel, deletePanel, duplicatePanel, getPanel, movePanel, resizePanel, updatePanel } from '../../lib/dashboards/edit';
import type { PanelRef } from '../../lib/dashboards/layout';
import { type Dashboard, type VariableModel, normalizeDashboard } from '../../lib/dashboards/model';
import { parseInterval, resolveSpec, specFromSearch, timeRangeToSpec } from '../../lib/dashboards/time';
import { varsFromSearch, varsToParams } from '../../lib/dashboards/variables';
import type { TimeRange } from '../../lib/timerange';
import { DashToolbar } from './DashToolbar';
import { Grid, type PanelActions } from './Grid';
import { PanelEditor } from './PanelEditor';
import { SettingsEditor } from './SettingsEditor';
import { useUnsavedGuard } from './useUnsavedGuard';
import { useVariables } from './useVariables';
import { VariablesBar } from './VariablesBar';
import './dashboards.css';

const NO_VARS: readonly VariableModel[] = [];

export function DashboardView({ uid }: { uid: string }) {
  const { session, me, nav } = useApp();
  const editor = canEdit(me.role);
  const [reloadKey, setReloadKey] = useState(0);
  const record = useAsync((signal) => getDashboard(session, uid, signal), [uid, reloadKey]);
  const [draft, setDraft] = useState<Dashboard | undefined>();
  const [savedJson, setSavedJson] = useState('');
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(() => editor && new URLSearchParams(nav.search).get('edit') === '1');
  const [editingPanel, setEditingPanel] = useState<PanelRef | undefined>();
  const [showSettings, setShowSettings] = useState(false);
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const [conflict, setConflict] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [tick, setTick] = useState(0);
  const [initialVars] = useState(() => varsFromSearch(nav.search));

  useEffect(() => {
    const r = record.data;
    if (r === undefined) return;
    const d = { ...normalizeDashboard(r.dashboard), uid: r.uid };
    setDraft(d);
    setSavedJson(JSON.stringify(d));
    setVersion(r.version);
    setConflict(false);
  }, [record.data]);

  const spec = specFromSearch(nav.search, draft?.time ?? { from: 'now-6h', to: 'now' });
  const params = new URLSearchParams(nav.search);
  const refresh = params.get('refresh') ?? (typeof draft?.refresh === 'string' ? draft.refresh : '');
  const refreshMs = parseInterval(refresh);
  useEffect(() => {
    if (refreshMs === undefined) return;
    const t = setInterval(() => setTick((n) => n + 1), Math.max(5000, refreshMs));
    return () => clearInterval(t);
  }, [refreshMs]);
  const nowMs = useMemo(() => Date.now(), [tick, spec.from, spec.to]);
  const { startMs, endMs } = resolveSpec(spec, nowMs);
  const vars = useVariables(session, draft?.templating.list ?? NO_VARS, { startMs, endMs }, initialVars);

  // The selections go into the address (replacing the entry), as Grafana does.
  useEffect(() => {
    if (!vars.ready || draft === undefined) return;
    const p = new URLSearchParams(window.location.search);
    const before = p.toString();
    varsToParams(vars.states, p);
    if (p.toString() !== before) nav.navigate(`${nav.path}?${p.toString()}`, true);
  }, [vars.states, vars.ready]);

  const dirty = editing && draft !== undefined && JSON.stringify(draft) !== savedJson;
  useUnsavedGuard(dirty);

  const navParams = (f: (p: URLSearchParams) => void, replace = false): void => {
    const p = new URLSearchParams(window.location.search);
    f(p);
    nav.navigate(`${nav.path}?${p.toString()}`, replace);
  };
  const setRange = (r: TimeRange): void => navParams((p) => { const s = timeRangeToSpec(r); p.set('from', s.from); p.set('to', s.to); });
  const setRefresh = (v: string): void => navParams((p) => (v === '' ? p.set('refresh', '') : p.set('refresh', v)), true);

  if (record.error !== undefined && draft === undefined) return <p class="error">Cannot load dashboard {uid}: {record.error}</p>;
  if (draft === undefined) return <p class="muted">Loading…</p>;

  const save = async (overwrite: boolean): Promise<void> => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const a = await saveDashboard(session, { ...draft, uid, version }, overwrite);
      setVersion(a.version);
      setDraft({ ...draft, version: a.version });
      setSavedJson(JSON.stringify({ ...draft, version: a.version }));
      setConflict(false);
    } catch (e) {
      if (isVersionMismatch(e)) setConflict(true);
      else setSaveError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };
  const reload = (): void => {
    setDraft(undefined);
    setEditingPanel(undefined);
    setReloadKey((n) => n + 1);
  };
  const actions: PanelActions | undefined = editing
    ? {
        edit: (ref) => setEditingPanel(ref),
        duplicate: (ref) => setDraft(duplicatePanel(draft, ref)),
        remove: (ref) => {
          if (window.confirm('Delete this panel?')) {
            setEditingPanel(undefined);
            setDraft(deletePanel(draft, ref));
          }
        },
        move: (ref, dir) => setDraft(movePanel(draft, ref, dir)),
        resize: (ref, dw, dh) => setDraft(resizePanel(draft, ref, dw, dh)),
      }
    : undefined;
  const panelBeingEdited = editingPanel === undefined ? undefined : getPanel(draft, editingPanel);

  return (
    <>
      <DashToolbar
        dashboard={draft}
        uid={uid}
        editor={editor}
        editing={editing}
        dirty={dirty}
        saving={saving}
        spec={spec}
        nowMs={nowMs}
        refresh={refresh}
        onRange={setRange}
        onRefresh={setRefresh}
        onRefreshNow={() => setTick((n) => n + 1)}
        onEdit={() => setEditing(true)}
        onDone={() => {
          if (dirty && !window.confirm('Discard your unsaved changes?')) return;
          setEditing(false);
          setEditingPanel(undefined);
          setShowSettings(false);
          navParams((p) => p.delete('edit'), true);
          if (dirty) reload();
        }}
        onSave={() => void save(false)}
        onAddPanel={(type) => {
          const next = addPanel(draft, type);
          setDraft(next);
          setEditingPanel({ row: undefined, index: next.panels.length - 1 });
        }}
        showSettings={showSettings}
        onToggleSettings={() => setShowSettings(!showSettings)}
      />
      {conflict ? (
        <div class="card dash-conflict" role="alert">
          <p>⚠ Someone else saved this dashboard since you opened it. Reload it (your changes are lost) or overwrite their version with yours.</p>
          <div class="toolbar">
            <button type="button" onClick={reload}>Reload</button>
            <button type="button" class="danger" data-change onClick={() => void save(true)}>Overwrite</button>
          </div>
        </div>
      ) : null}
      {saveError !== undefined ? <p class="error" role="alert">Save failed: {saveError}</p> : null}
      {editing && showSettings ? <SettingsEditor dashboard={draft} onChange={setDraft} /> : null}
      {editing && editingPanel !== undefined && panelBeingEdited !== undefined ? (
        <PanelEditor
          key={`${editingPanel.row ?? 't'}-${editingPanel.index}`}
          panel={panelBeingEdited}
          onApply={(p) => {
            setDraft(updatePanel(draft, editingPanel, p));
            setEditingPanel(undefined);
          }}
          onCancel={() => setEditingPanel(undefined)}
        />
      ) : null}
      <VariablesBar states={vars.states} onSelect={vars.select} />
      {draft.panels.length === 0 ? <p class="muted">This dashboard has no panels yet.{editing ? ' Add one with “Add panel”.' : ''}</p> : null}
      <Grid
        dashboard={draft}
        toggled={toggled}
        onToggle={(k) => setToggled((s) => { const n = new Set(s); if (n.has(k)) n.delete(k); else n.add(k); return n; })}
        scope={vars.scope}
        ready={vars.ready}
        repeatValues={vars.repeatValues}
        startMs={startMs}
        endMs={endMs}
        tick={tick}
        onZoom={(from, to) => setRange({ kind: 'absolute', fromMs: from, toMs: to })}
        actions={actions}
      />
    </>
  );
}
