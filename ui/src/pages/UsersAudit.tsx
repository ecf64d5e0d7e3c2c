import { useState } from 'preact/hooks';
import { useApp } from '../components/nav';
import { useAsync } from '../components/useAsync';
import { fetchAudit, formatDetail, formatTime, nextAuditBefore } from '../lib/users-api';

const PAGE = 50;

/** The audit log, newest first, one page at a time (Older / Newest). */
export function AuditSection() {
  const { session } = useApp();
  // The `before` of each page shown so far; the last one is the current page.
  const [pages, setPages] = useState<(number | undefined)[]>([undefined]);
  const before = pages.at(-1);
  const audit = useAsync((s) => fetchAudit(session, PAGE, before, s), [before]);
  const older = audit.data === undefined ? undefined : nextAuditBefore(audit.data, PAGE);
  return (
    <section class="card">
      <h2>Audit log</h2>
      <div class="toolbar">
        <button type="button" disabled={pages.length <= 1} onClick={() => setPages([undefined])}>Newest</button>
        <button type="button" disabled={pages.length <= 1} onClick={() => setPages(pages.slice(0, -1))}>Newer</button>
        <button type="button" disabled={older === undefined} onClick={() => setPages([...pages, older])}>Older</button>
        <span class="muted small">page {pages.length}</span>
      </div>
      {audit.error !== undefined ? <p class="error">{audit.error}</p> : null}
      <div class="table-wrap">
        <table class="audit-table">
          <thead><tr><th>Time</th><th>Who</th><th>What</th><th>Target</th><th>Detail</th><th>From</th></tr></thead>
          <tbody>
            {(audit.data ?? []).map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.time)}</td>
                <td class="wrap-anywhere">{e.actor}</td>
                <td class="mono wrap-anywhere">{e.action}</td>
                <td class="wrap-anywhere">{e.target}</td>
                <td class="small wrap-anywhere">{formatDetail(e.detail)}</td>
                <td class="small">{e.remoteAddress ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
