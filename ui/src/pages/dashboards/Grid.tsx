// The dashboard's layout: sections under rows (click a row to expand or collapse it), and
// panels placed on a 24-column CSS grid with 30 px row units; one column under 768 px.
import { useMemo } from 'preact/hooks';
import { type VarScope, interpolate } from '../../lib/dashboards/interpolate';
import { type PanelRef, type PlacedPanel, buildSections, rowKey } from '../../lib/dashboards/layout';
import type { Dashboard } from '../../lib/dashboards/model';
import { PanelView } from './PanelView';

/** Grafana's height unit (px) and the gap between panels (px). */
const ROW_PX = 30;
const GAP_PX = 8;

export interface PanelActions {
  edit(ref: PanelRef): void;
  duplicate(ref: PanelRef): void;
  remove(ref: PanelRef): void;
  move(ref: PanelRef, dir: -1 | 1): void;
  resize(ref: PanelRef, dw: number, dh: number): void;
}

export interface GridProps {
  readonly dashboard: Dashboard;
  readonly toggled: ReadonlySet<string>;
  readonly onToggle: (key: string) => void;
  readonly scope: VarScope;
  readonly ready: boolean;
  readonly repeatValues: (name: string) => readonly string[];
  readonly startMs: number;
  readonly endMs: number;
  readonly tick: number;
  readonly onZoom: (fromMs: number, toMs: number) => void;
  /** Set in edit mode: each panel gets its tools. */
  readonly actions: PanelActions | undefined;
}

function Cell({ placed, props }: { placed: PlacedPanel; props: GridProps }) {
  const { pos, panel, scopedVars } = placed;
  const scopes = useMemo(() => {
    const own = new Map(Object.entries(scopedVars ?? {}).map(([k, v]) => [k, { values: [v], texts: [v], multiOrAll: false }]));
    return own.size > 0 ? [own, props.scope] : [props.scope];
  }, [scopedVars, props.scope]);
  const heightPx = pos.h * ROW_PX + (pos.h - 1) * GAP_PX;
  const a = props.actions;
  const ref = placed.ref;
  // Copies made by a repeat are edited through the first one.
  const repeatCopy = scopedVars !== undefined && !placed.key.endsWith('-0');
  const tools = a === undefined || repeatCopy ? undefined : (
    <span class="dash-edit-tools">
      <button type="button" class="link" data-change onClick={() => a.edit(ref)} title="Edit this panel">Edit</button>
      <button type="button" class="link" data-change onClick={() => a.move(ref, -1)} title="Move up / left" aria-label="Move up">↑</button>
      <button type="button" class="link" data-change onClick={() => a.move(ref, 1)} title="Move down / right" aria-label="Move down">↓</button>
      <button type="button" class="link" data-change onClick={() => a.resize(ref, -2, 0)} title="Narrower" aria-label="Narrower">⇠</button>
      <button type="button" class="link" data-change onClick={() => a.resize(ref, 2, 0)} title="Wider" aria-label="Wider">⇢</button>
      <button type="button" class="link" data-change onClick={() => a.resize(ref, 0, -1)} title="Shorter" aria-label="Shorter">⇡</button>
      <button type="button" class="link" data-change onClick={() => a.resize(ref, 0, 1)} title="Taller" aria-label="Taller">⇣</button>
      <button type="button" class="link" data-change onClick={() => a.duplicate(ref)} title="Duplicate">Duplicate</button>
      <button type="button" class="link danger" data-change onClick={() => a.remove(ref)} title="Delete this panel">Delete</button>
    </span>
  );
  return (
    <div class="dash-cell" style={{ gridColumn: `${pos.x + 1} / span ${pos.w}`, gridRow: `${pos.y + 1} / span ${pos.h}`, '--h': String(pos.h) }}>
      <PanelView panel={panel} scopes={scopes} startMs={props.startMs} endMs={props.endMs} tick={props.tick} ready={props.ready} heightPx={heightPx} toolbar={tools} onZoom={props.onZoom} />
    </div>
  );
}

export function Grid(props: GridProps) {
  const { dashboard, toggled, onToggle, repeatValues, scope } = props;
  const sections = useMemo(() => buildSections(dashboard.panels, toggled, repeatValues), [dashboard.panels, toggled, scope]);
  let rowIndex = -1;
  return (
    <div class="dash-sections">
      {sections.map((s) => {
        if (s.row !== undefined) rowIndex = dashboard.panels.indexOf(s.row);
        const key = rowKey(s.row, rowIndex);
        const count = s.row?.collapsed === true ? (s.row.panels?.length ?? 0) : undefined;
        return (
          <section class="dash-section" key={key}>
            {s.row !== undefined ? (
              <h2 class="dash-row">
                <button type="button" class="dash-row-toggle" aria-expanded={!s.collapsed} onClick={() => onToggle(key)}>
                  <span aria-hidden="true">{s.collapsed ? '▸' : '▾'}</span> {interpolate(s.row.title ?? '', scope) || 'Row'}
                  {s.collapsed && count !== undefined ? <span class="muted small"> ({count} panel{count === 1 ? '' : 's'})</span> : null}
                </button>
              </h2>
            ) : null}
            {s.panels.length > 0 ? (
              <div class="dash-grid">
                {s.panels.map((p) => <Cell key={p.key} placed={p} props={props} />)}
              </div>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}
