import { useState } from 'preact/hooks';
import { useApp } from '../../components/nav';
import { StatusBadge } from '../../components/StatusBadge';
import { useAsync } from '../../components/useAsync';
import { HttpError, canEdit } from '../../lib/api';
import { type Silence, expireSilence, formatMatcher, listSilences, splitByState } from '../../lib/silences';
import { SilenceForm } from './SilenceForm';

const REFRESH_MS = 15_000;
const fmt = (iso: string): string => {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : '—';
};

/** Active, pending and expired silences; expire and edit for editors. */
export function SilenceList({ version }: { version: number }) {
  const { session, me } = useApp();
  const [local, setLocal] = useState(0);
  const [editing, setEditing] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const s = useAsync(async (signal): Promise<Silence[] | undefined> => {
    try {
      return await listSilences(session, signal);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }, [version, local], REFRESH_MS);
  const editable = canEdit(me.role);
  const expire = async (id: string): Promise<void> => {
    setError(undefined);
    try {
      await expireSilence(session, id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setLocal((v) => v + 1);
  };
  if (s.data === undefined) return s.error !== undefined ? <p class="error">{s.error}</p> : <p class="muted">{s.loading ? 'Loading…' : 'Silences are not available on this server.'}</p>;
  const by = splitByState(s.data);
  const now = Date.now();
  return (
    <>
      {s.error !== undefined ? <p class="error">{s.error}</p> : null}
      {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
      {(['active', 'pending', 'expired'] as const).map((state) => (
        <section key={state} class="card silences" data-state={state}>
          <h2>{state === 'active' ? 'Active' : state === 'pending' ? 'Pending' : 'Expired'} ({by[state].length})</h2>
          {by[state].length === 0 ? <p class="muted">None.</p> : null}
          <ul class="silence-items">
            {by[state].map((x) => (
              <li key={x.id} class="silence-item" data-silence-id={x.id}>
                <div class="label-chips">
                  <StatusBadge health={state === 'active' ? 'ok' : 'unknown'} label={state} />
                  {x.matchers.map((m, i) => <span key={i} class="chip mono wrap-anywhere">{formatMatcher(m)}</span>)}
                </div>
                <p class="small">
                  {fmt(x.startsAt)} → {fmt(x.endsAt)} · by <strong>{x.createdBy}</strong>
                  {x.comment ? <span class="wrap-anywhere"> · {x.comment}</span> : null}
                </p>
                {editable && state !== 'expired' && editing !== x.id ? (
                  <div class="silence-form-row">
                    <button type="button" data-change onClick={() => setEditing(x.id)}>Edit</button>
                    <button type="button" class="expire-btn" data-change onClick={() => void expire(x.id)}>Expire</button>
                  </div>
                ) : null}
                {editable && editing === x.id ? (
                  <SilenceForm
                    id={x.id}
                    matchers={x.matchers}
                    startsAt={x.startsAt}
                    durationMs={Math.max(60_000, Math.round((Date.parse(x.endsAt) - now) / 60_000) * 60_000)}
                    comment={x.comment}
                    onDone={() => { setEditing(undefined); setLocal((v) => v + 1); }}
                    onCancel={() => setEditing(undefined)}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
