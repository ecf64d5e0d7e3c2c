import { useState } from 'preact/hooks';
import { ALL_VALUE } from '../../lib/dashboards/interpolate';
import type { VarState } from '../../lib/dashboards/variables';

/** One control per visible variable (hide 2 and constants/datasources hidden; hide 1 hides the label). */
export function VariablesBar({ states, onSelect }: { states: readonly VarState[]; onSelect: (name: string, values: readonly string[]) => void }) {
  const shown = states.filter((s) => s.model.hide !== 2 && s.model.type !== 'constant' && s.model.type !== 'datasource');
  if (shown.length === 0) return null;
  return (
    <div class="dash-vars" role="group" aria-label="Dashboard variables">
      {shown.map((s) => (
        <div class="dash-var" key={s.model.name} data-var={s.model.name}>
          {s.model.hide === 1 ? null : <span class="dash-var-label">{s.model.label || s.model.name}</span>}
          <VariableControl state={s} onSelect={(v) => onSelect(s.model.name, v)} />
          {s.error !== undefined ? <span class="error small" title={s.error}>⚠ {s.error}</span> : null}
        </div>
      ))}
    </div>
  );
}

function VariableControl({ state, onSelect }: { state: VarState; onSelect: (values: readonly string[]) => void }) {
  const m = state.model;
  const [text, setText] = useState(state.current[0] ?? '');
  const label = m.label || m.name;
  if (m.type === 'textbox') {
    return (
      <form onSubmit={(e) => { e.preventDefault(); onSelect([text]); }}>
        <input aria-label={label} value={text} onInput={(e) => setText(e.currentTarget.value)} onBlur={() => onSelect([text])} />
      </form>
    );
  }
  const opts = [...(m.includeAll === true ? [{ text: 'All', value: ALL_VALUE }] : []), ...state.options];
  if (m.multi === true) {
    const sel = new Set(state.current);
    const summary = state.current.length === 0 ? 'None' : state.current.map((v) => (v === ALL_VALUE ? 'All' : (state.options.find((o) => o.value === v)?.text ?? v))).join(' + ');
    const toggle = (v: string): void => {
      if (v === ALL_VALUE) return onSelect([ALL_VALUE]);
      const next = new Set([...sel].filter((x) => x !== ALL_VALUE));
      if (next.has(v)) next.delete(v);
      else next.add(v);
      onSelect(next.size === 0 && m.includeAll === true ? [ALL_VALUE] : [...next]);
    };
    return (
      <details class="dash-multi">
        <summary aria-label={label} data-value={state.current.join(',')}>{summary}</summary>
        <div class="dash-multi-list">
          {opts.map((o) => (
            <label class="check" key={o.value}>
              <input type="checkbox" checked={sel.has(o.value)} onChange={() => toggle(o.value)} />
              <span class="wrap-anywhere">{o.text}</span>
            </label>
          ))}
        </div>
      </details>
    );
  }
  return (
    <select aria-label={label} value={state.current[0] ?? ''} onChange={(e) => onSelect([e.currentTarget.value])}>
      {state.current.length === 0 ? <option value="">{state.options.length === 0 ? 'no values' : '—'}</option> : null}
      {opts.map((o) => (
        <option key={o.value} value={o.value}>{o.text}</option>
      ))}
    </select>
  );
}
