// Dashboard settings in edit mode: title, tags, and template variables (query, custom, constant...).
import type { Dashboard, VariableModel } from '../../lib/dashboards/model';
import { variableQueryText } from '../../lib/dashboards/variables';

const VAR_TYPES = ['query', 'custom', 'constant', 'textbox', 'interval'] as const;

export function SettingsEditor({ dashboard, onChange }: { dashboard: Dashboard; onChange: (d: Dashboard) => void }) {
  const vars = dashboard.templating.list;
  const setVars = (list: VariableModel[]): void => onChange({ ...dashboard, templating: { ...dashboard.templating, list } });
  const setVar = (i: number, v: VariableModel): void => setVars(vars.map((x, k) => (k === i ? v : x)));
  return (
    <section class="card dash-settings" aria-label="Dashboard settings">
      <div class="dash-form">
        <label class="dash-field dash-grow">Title <input name="dashboard-title" value={dashboard.title} onInput={(e) => onChange({ ...dashboard, title: e.currentTarget.value })} /></label>
        <label class="dash-field dash-grow">
          Tags (comma-separated)
          <input name="dashboard-tags" value={dashboard.tags.join(', ')} onChange={(e) => onChange({ ...dashboard, tags: e.currentTarget.value.split(',').map((t) => t.trim()).filter((t) => t !== '') })} />
        </label>
      </div>
      <fieldset class="dash-fieldset">
        <legend>Variables</legend>
        {vars.length === 0 ? <p class="muted small">No variables. Queries may use $name, ${'{'}name{'}'} or [[name]].</p> : null}
        {vars.map((v, i) => (
          <div class="dash-form dash-var-edit" key={i}>
            <label class="dash-field">Name <input value={v.name} pattern="\w+" onChange={(e) => { const n = e.currentTarget.value.replace(/\W/g, ''); if (n !== '') setVar(i, { ...v, name: n }); }} /></label>
            <label class="dash-field">
              Type
              <select value={v.type} onChange={(e) => setVar(i, { ...v, type: e.currentTarget.value })}>
                {VAR_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                {(VAR_TYPES as readonly string[]).includes(v.type) ? null : <option value={v.type}>{v.type}</option>}
              </select>
            </label>
            <label class="dash-field">Label <input value={v.label ?? ''} onChange={(e) => setVar(i, { ...v, label: e.currentTarget.value })} /></label>
            <label class="dash-field dash-grow">
              {v.type === 'query' ? 'Query (label_values(...), metrics(...), query_result(...))' : v.type === 'custom' || v.type === 'interval' ? 'Values (comma-separated)' : 'Value'}
              <input class="mono" value={variableQueryText(v)} onChange={(e) => setVar(i, { ...v, query: v.type === 'query' ? { query: e.currentTarget.value, refId: 'PrometheusVariableQueryEditor-VariableQuery' } : e.currentTarget.value, definition: e.currentTarget.value })} />
            </label>
            {v.type === 'query' ? <label class="dash-field">Regex <input class="mono" value={v.regex ?? ''} onChange={(e) => setVar(i, { ...v, regex: e.currentTarget.value })} /></label> : null}
            {v.type === 'query' || v.type === 'custom' ? (
              <>
                <label class="check"><input type="checkbox" checked={v.multi === true} onChange={(e) => setVar(i, { ...v, multi: e.currentTarget.checked })} /> multi</label>
                <label class="check"><input type="checkbox" checked={v.includeAll === true} onChange={(e) => setVar(i, { ...v, includeAll: e.currentTarget.checked })} /> All</label>
              </>
            ) : null}
            <button type="button" class="link danger" onClick={() => setVars(vars.filter((_x, k) => k !== i))}>Remove</button>
          </div>
        ))}
        <button type="button" onClick={() => setVars([...vars, { name: `var${vars.length + 1}`, type: 'custom', query: 'a,b', refresh: 1, options: [], current: {} }])}>Add variable</button>
      </fieldset>
    </section>
  );
}
