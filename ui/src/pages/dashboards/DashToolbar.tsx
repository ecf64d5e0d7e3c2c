import { useState } from 'preact/hooks';
import { RangePicker } from '../../components/RangePicker';
import { downloadExport } from '../../lib/dashboards/api';
import { useApp } from '../../components/nav';
import type { Dashboard } from '../../lib/dashboards/model';
import { type RangeSpec, specToTimeRange } from '../../lib/dashboards/time';
import { downloadBlob, fileSlug } from '../../lib/download';
import type { TimeRange } from '../../lib/timerange';
import { SUPPORTED_TYPES } from './PanelView';

const REFRESH_CHOICES = ['', '10s', '30s', '1m', '5m'];

export interface DashToolbarProps {
  readonly dashboard: Dashboard;
  readonly uid: string;
  readonly editor: boolean;
  readonly editing: boolean;
  readonly dirty: boolean;
  readonly saving: boolean;
  readonly spec: RangeSpec;
  readonly nowMs: number;
  readonly refresh: string;
  readonly showSettings: boolean;
  onRange(r: TimeRange): void;
  onRefresh(v: string): void;
  onRefreshNow(): void;
  onEdit(): void;
  onDone(): void;
  onSave(): void;
  onAddPanel(type: string): void;
  onToggleSettings(): void;
}

export function DashToolbar(p: DashToolbarProps) {
  const { session } = useApp();
  const [newType, setNewType] = useState<string>('timeseries');
  const refreshChoices = REFRESH_CHOICES.includes(p.refresh) ? REFRESH_CHOICES : [...REFRESH_CHOICES, p.refresh];
  const exportDraft = (): void => downloadBlob(new Blob([JSON.stringify({ ...p.dashboard, uid: p.uid }, null, 2)], { type: 'application/json' }), `${fileSlug(p.dashboard.title)}.json`);
  return (
    <>
      <div class="page-head">
        <div class="dash-title">
          <h1 class="wrap-anywhere">{p.dashboard.title}{p.dirty ? <span class="muted small" title="Unsaved changes"> (unsaved)</span> : null}</h1>
          {p.dashboard.tags.length > 0 ? <span class="dash-tags">{p.dashboard.tags.map((t) => <span class="dash-tag" key={t}>{t}</span>)}</span> : null}
        </div>
        <div class="toolbar dash-actions">
          {p.editing ? null : <button type="button" class="dash-export" title="Download the Grafana JSON" onClick={() => void downloadExport(session, p.uid, p.dashboard.title).catch((e: unknown) => window.alert(`Export failed: ${e instanceof Error ? e.message : String(e)}`))}>Export</button>}
          {p.editor && !p.editing ? <button type="button" data-change onClick={p.onEdit}>Edit</button> : null}
        </div>
      </div>
      <div class="toolbar dash-timebar">
        <RangePicker value={specToTimeRange(p.spec, p.nowMs)} onChange={p.onRange} nowMs={p.nowMs} />
        <label class="check">
          Refresh
          <select value={p.refresh} onChange={(e) => p.onRefresh(e.currentTarget.value)} aria-label="Auto refresh">
            {refreshChoices.map((r) => <option key={r} value={r}>{r === '' ? 'off' : `every ${r}`}</option>)}
          </select>
        </label>
        <button type="button" onClick={p.onRefreshNow} title="Query every panel again">↻ Refresh</button>
      </div>
      {p.editing ? (
        <div class="toolbar dash-editbar" role="toolbar" aria-label="Edit dashboard">
          <span class="dash-addpanel">
            <select value={newType} onChange={(e) => setNewType(e.currentTarget.value)} aria-label="Type of the new panel">
              {SUPPORTED_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
            <button type="button" data-change onClick={() => p.onAddPanel(newType)}>Add panel</button>
          </span>
          <button type="button" data-change aria-pressed={p.showSettings} onClick={p.onToggleSettings}>Settings &amp; variables</button>
          <button type="button" onClick={exportDraft} title="Download this (possibly unsaved) dashboard as Grafana JSON">Export JSON</button>
          <button type="button" class="primary" data-change disabled={p.saving || !p.dirty} onClick={p.onSave}>{p.saving ? 'Saving…' : 'Save'}</button>
          <button type="button" onClick={p.onDone}>{p.dirty ? 'Discard changes' : 'Done'}</button>
        </div>
      ) : null}
    </>
  );
}
