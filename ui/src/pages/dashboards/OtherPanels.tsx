// table and text panels.
import type { PanelResult } from '../../lib/dashboards/query';
import type { Display } from './panelOptions';

export function TablePanel({ result, display }: { result: PanelResult; display: Display }) {
  const rows = result.series;
  if (rows.length === 0) return <p class="muted dash-nodata">No data</p>;
  const names = [...new Set(rows.flatMap((r) => Object.keys(r.metric)))].sort();
  return (
    <div class="table-wrap dash-table-panel">
      <table>
        <thead>
          <tr>
            {names.map((n) => <th key={n}>{n}</th>)}
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {names.map((n) => <td key={n} class="wrap-anywhere">{r.metric[n] ?? ''}</td>)}
              <td>{display.format(r.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Markdown or HTML content shown as plain text (never interpreted as HTML). */
export function TextPanel({ content }: { content: string }) {
  return <div class="dash-text">{content}</div>;
}
