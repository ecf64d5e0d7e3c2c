import { useState } from 'preact/hooks';
import { useApp } from '../components/nav';
import { useAsync } from '../components/useAsync';
import { TOKEN_ROLES, type TokenForm, type TokenRole, createToken, formatExpiry, formatTime, listTokens, revokeToken, tokenFormError } from '../lib/users-api';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const EXPIRIES: readonly [string, string][] = [['30d', '30 days'], ['90d', '90 days'], ['365d', '1 year'], ['', 'never']];

/** A secret shown once, with a copy button; `onDone` hides it for good. */
export function SecretBox({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState<string | undefined>();
  const copy = (): void => {
    navigator.clipboard.writeText(value).then(() => setCopied('Copied.'), () => setCopied('Copy failed: select the text and copy it by hand.'));
  };
  return (
    <div class="users-secret" role="status">
      <span>{label}</span>
      <code data-secret>{value}</code>
      <button type="button" onClick={copy}>Copy</button>
      <button type="button" onClick={onDone}>Done</button>
      {copied !== undefined ? <span class="muted small">{copied}</span> : null}
      <span class="muted small">It cannot be shown again.</span>
    </div>
  );
}

export function TokensSection() {
  const { session } = useApp();
  const [version, setVersion] = useState(0);
  const tokens = useAsync((s) => listTokens(session, s), [version]);
  const [form, setForm] = useState<TokenForm>({ name: '', role: 'viewer', write: false, expiresIn: '90d' });
  const [error, setError] = useState<string | undefined>();
  const [secret, setSecret] = useState<{ name: string; token: string } | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const now = Date.now();
  const submit = (ev: Event): void => {
    ev.preventDefault();
    const problem = tokenFormError(form);
    setError(problem);
    if (problem !== undefined) return;
    createToken(session, form).then((t) => {
      setSecret({ name: t.name, token: t.token });
      setForm({ ...form, name: '' });
      setVersion((v) => v + 1);
    }, (e: unknown) => setError(errText(e)));
  };
  const revoke = (id: string): void => {
    setConfirming(undefined);
    revokeToken(session, id).then(() => setVersion((v) => v + 1), (e: unknown) => setError(errText(e)));
  };
  const writeFixed = form.role === 'admin' || form.role === 'writer';
  return (
    <section class="card">
      <h2>API tokens</h2>
      <p class="muted small">For scripts, Grafana and remote write: send <code>Authorization: Bearer &lt;token&gt;</code>. A writer token may only ingest.</p>
      <form class="users-form" onSubmit={submit} aria-label="Create a token">
        <label>Name<input type="text" name="token-name" value={form.name} autocomplete="off" onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
        <label>Role
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value as TokenRole })}>
            {TOKEN_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={writeFixed || form.write} disabled={writeFixed} onChange={(e) => setForm({ ...form, write: e.currentTarget.checked })} /> may write (ingest)</label>
        <label>Expires in
          <select value={form.expiresIn} onChange={(e) => setForm({ ...form, expiresIn: e.currentTarget.value })}>
            {EXPIRIES.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
          </select>
        </label>
        <button type="submit" class="primary" data-change>Create token</button>
      </form>
      {secret !== undefined ? <SecretBox label={`Token ${secret.name} (shown once):`} value={secret.token} onDone={() => setSecret(undefined)} /> : null}
      {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
      {tokens.error !== undefined ? <p class="error">{tokens.error}</p> : null}
      <div class="table-wrap">
        <table class="tokens-table">
          <thead><tr><th>Name</th><th>Role</th><th>Write</th><th>Expires</th><th>Last used</th><th>Created by</th><th>Actions</th></tr></thead>
          <tbody>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td class="wrap-anywhere">{t.name}</td>
                <td>{t.role}</td>
                <td>{t.write ? 'yes' : 'no'}</td>
                <td>{formatExpiry(t.expiresAt, now)}</td>
                <td>{formatTime(t.lastUsedAt)}</td>
                <td class="wrap-anywhere">{t.createdBy} {formatTime(t.createdAt)}</td>
                <td>
                  <div class="users-actions">
                    {confirming === t.id ? (
                      <>
                        <span class="users-confirm">Revoke {t.name}?</span>
                        <button type="button" data-change onClick={() => revoke(t.id)}>Yes, revoke</button>
                        <button type="button" onClick={() => setConfirming(undefined)}>Cancel</button>
                      </>
                    ) : (
                      <button type="button" data-change onClick={() => setConfirming(t.id)}>Revoke…</button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {tokens.data !== undefined && tokens.data.length === 0 ? <p class="muted">No API token.</p> : null}
      </div>
    </section>
  );
}
