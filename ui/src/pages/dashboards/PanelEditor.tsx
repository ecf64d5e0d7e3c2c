// Edit one panel: title, type, PromQL queries with legends, unit, min/max, thresholds, stacking.
import { Suspense, lazy } from 'preact/compat';
import { useState } from 'preact/hooks';
import type { Panel, Target, ThresholdStep } from '../../lib/dashboards/model';
import { DEFAULT_THRESHOLDS, cssColor } from '../../lib/dashboards/thresholds';
import { COMMON_UNITS } from '../../lib/dashboards/units';
import { SUPPORTED_TYPES } from './PanelView';

// CodeMirror with PromQL completion: its own chunk, loaded only when asked for.
const PromqlEditor = lazy(() => import('../PromqlEditor').then((m) => ({ default: m.PromqlEditor })));

const COLORS = ['green', 'yellow', 'orange', 'red', 'blue', 'purple', 'dark-green', 'dark-yellow', 'dark-orange', 'dark-red', 'light-green', 'light-red', 'semi-dark-orange'];

function numOrUndefined(s: string): number | undefined {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

export function PanelEditor({ panel, onApply, onCancel }: { panel: Panel; onApply: (p: Panel) => void; onCancel: () => void }) {
  const [p, setP] = useState<Panel>(() => structuredClone(panel));
  const [richEditor, setRichEditor] = useState(false);
  const defaults = p.fieldConfig?.defaults ?? {};
  const setDefaults = (patch: Record<string, unknown>): void => {
    const next = { ...defaults, ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
    setP({ ...p, fieldConfig: { ...p.fieldConfig, defaults: next } });
  };
  const custom = defaults.custom ?? {};
  const setCustom = (patch: Record<string, unknown>): void => setDefaults({ custom: { ...custom, ...patch } });
  const targets = p.targets ?? [];
  const setTarget = (i: number, t: Target): void => setP({ ...p, targets: targets.map((x, k) => (k === i ? t : x)) });
  const thresholds = defaults.thresholds ?? structuredClone(DEFAULT_THRESHOLDS);
  const steps = thresholds.steps;
  const setSteps = (s: ThresholdStep[]): void => setDefaults({ thresholds: { ...thresholds, steps: s } });
  const nextRef = (): string => String.fromCharCode(65 + (targets.length % 26));

  return (
    <section class="card dash-editor" aria-label="Edit panel">
      <h2>Edit panel</h2>
      <div class="dash-form">
        <label class="dash-field">Title <input name="panel-title" value={p.title ?? ''} onInput={(e) => setP({ ...p, title: e.currentTarget.value })} /></label>
        <label class="dash-field">
          Type
          <select value={p.type} onChange={(e) => setP({ ...p, type: e.currentTarget.value })}>
            {SUPPORTED_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
            {(SUPPORTED_TYPES as readonly string[]).includes(p.type) ? null : <option value={p.type}>{p.type} (not supported)</option>}
          </select>
        </label>
      </div>
      {p.type === 'text' ? (
        <label class="dash-field">Content (shown as plain text) <textarea rows={6} value={String(p.options?.['content'] ?? '')} onInput={(e) => setP({ ...p, options: { ...p.options, content: e.currentTarget.value, mode: 'markdown' } })} /></label>
      ) : (
        <fieldset class="dash-fieldset">
          <legend>Queries (PromQL)</legend>
          <label class="check small"><input type="checkbox" checked={richEditor} onChange={(e) => setRichEditor(e.currentTarget.checked)} /> editor with completion</label>
          {targets.map((t, i) => (
            <div class="dash-target" key={i}>
              <label class="dash-field">
                {t.refId ?? nextRef()} expression
                {richEditor ? (
                  <Suspense fallback={<span class="muted small">Loading the editor…</span>}>
                    <PromqlEditor value={t.expr ?? ''} onChange={(expr) => setTarget(i, { ...t, expr })} onExecute={() => undefined} />
                  </Suspense>
                ) : (
                  <textarea class="mono" rows={2} name={`expr-${i}`} value={t.expr ?? ''} onInput={(e) => setTarget(i, { ...t, expr: e.currentTarget.value })} placeholder='rate(node_cpu_seconds_total{instance="$node"}[$__rate_interval])' />
                )}
              </label>
              <div class="dash-form">
                <label class="dash-field">Legend <input value={t.legendFormat ?? ''} name={`legend-${i}`} onInput={(e) => setTarget(i, { ...t, legendFormat: e.currentTarget.value })} placeholder="{{instance}}" /></label>
                <label class="check"><input type="checkbox" checked={t.instant === true} onChange={(e) => setTarget(i, { ...t, instant: e.currentTarget.checked, range: !e.currentTarget.checked })} /> instant</label>
                <button type="button" class="link danger" onClick={() => setP({ ...p, targets: targets.filter((_x, k) => k !== i) })}>Remove query</button>
              </div>
            </div>
          ))}
          <button type="button" onClick={() => setP({ ...p, targets: [...targets, { refId: nextRef(), expr: '', legendFormat: '' }] })}>Add query</button>
        </fieldset>
      )}
      <div class="dash-form">
        <label class="dash-field">
          Unit
          <input list="dash-units" name="unit" value={defaults.unit ?? ''} onInput={(e) => setDefaults({ unit: e.currentTarget.value || undefined })} />
          <datalist id="dash-units">{COMMON_UNITS.map((u) => <option key={u} value={u} />)}</datalist>
        </label>
        <label class="dash-field">Min <input type="number" step="any" name="min" value={defaults.min ?? ''} onInput={(e) => setDefaults({ min: numOrUndefined(e.currentTarget.value) })} /></label>
        <label class="dash-field">Max <input type="number" step="any" name="max" value={defaults.max ?? ''} onInput={(e) => setDefaults({ max: numOrUndefined(e.currentTarget.value) })} /></label>
        {p.type === 'timeseries' ? (
          <>
            <label class="dash-field">
              Stacking
              <select value={custom.stacking?.mode ?? 'none'} onChange={(e) => setCustom({ stacking: { group: 'A', mode: e.currentTarget.value } })}>
                <option value="none">none</option>
                <option value="normal">normal</option>
                <option value="percent">percent</option>
              </select>
            </label>
            <label class="dash-field">Fill opacity <input type="number" min="0" max="100" value={custom.fillOpacity ?? 0} onInput={(e) => setCustom({ fillOpacity: numOrUndefined(e.currentTarget.value) ?? 0 })} /></label>
            <label class="dash-field">
              Show thresholds
              <select value={custom.thresholdsStyle?.mode ?? 'off'} onChange={(e) => setCustom({ thresholdsStyle: { mode: e.currentTarget.value } })}>
                <option value="off">off</option>
                <option value="line">as lines</option>
                <option value="dashed">as dashed lines</option>
              </select>
            </label>
          </>
        ) : null}
      </div>
      <fieldset class="dash-fieldset">
        <legend>Thresholds</legend>
        <label class="dash-field">
          Mode
          <select value={thresholds.mode ?? 'absolute'} onChange={(e) => setDefaults({ thresholds: { ...thresholds, mode: e.currentTarget.value === 'percentage' ? 'percentage' : 'absolute' } })}>
            <option value="absolute">absolute</option>
            <option value="percentage">percentage of min..max</option>
          </select>
        </label>
        {steps.map((s, i) => (
          <div class="dash-form dash-step" key={i}>
            <span class="dash-swatch" style={{ background: cssColor(s.color) }} aria-hidden="true" />
            <input list="dash-colors" aria-label="Colour" value={s.color} onInput={(e) => setSteps(steps.map((x, k) => (k === i ? { ...x, color: e.currentTarget.value } : x)))} />
            {s.value === null ? <span class="muted">base</span> : <input type="number" step="any" aria-label="From value" name={`threshold-${i}`} value={s.value} onInput={(e) => setSteps(steps.map((x, k) => (k === i ? { ...x, value: numOrUndefined(e.currentTarget.value) ?? 0 } : x)))} />}
            {s.value === null ? null : <button type="button" class="link danger" onClick={() => setSteps(steps.filter((_x, k) => k !== i))}>Remove</button>}
          </div>
        ))}
        <datalist id="dash-colors">{COLORS.map((c) => <option key={c} value={c} />)}</datalist>
        <button type="button" onClick={() => setSteps([...steps, { color: 'red', value: Math.max(0, ...steps.map((s) => s.value ?? 0)) + 10 }])}>Add threshold</button>
      </fieldset>
      <div class="toolbar">
        <button type="button" class="primary" data-change onClick={() => onApply(p)}>Apply</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </section>
  );
}
