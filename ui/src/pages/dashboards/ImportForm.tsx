import { useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { type ImportAnswer, importDashboard, parseDashboardJson } from '../../lib/dashboards/api';

/** Import a Grafana dashboard: a .json file or pasted JSON → POST import → warnings, then the dashboard. */
export function ImportForm({ onImported }: { onImported: (a: ImportAnswer) => void }) {
  const { session } = useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (json: string): Promise<void> => {
    const parsed = parseDashboardJson(json);
    if (parsed instanceof Error) {
      setError(parsed.message);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onImported(await importDashboard(session, parsed));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card dash-import" aria-label="Import a dashboard">
      <h2>Import a Grafana dashboard</h2>
      <p class="muted small">A dashboard JSON as downloaded from grafana.com or exported from Grafana. Data sources are mapped to Vigie.</p>
      <label class="dash-field">
        JSON file
        <input
          type="file"
          accept=".json,application/json"
          data-change
          disabled={busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f !== undefined) void f.text().then(submit);
            e.currentTarget.value = '';
          }}
        />
      </label>
      <label class="dash-field">
        or paste JSON
        <textarea rows={5} class="mono" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder='{"title": "...", "panels": [...]}' />
      </label>
      <div class="toolbar">
        <button type="button" class="primary" data-change disabled={busy || text.trim() === ''} onClick={() => void submit(text)}>
          Import
        </button>
        {busy ? <span class="muted">Importing…</span> : null}
      </div>
      {error !== undefined ? <p class="error" role="alert">Import failed: {error}</p> : null}
    </section>
  );
}
