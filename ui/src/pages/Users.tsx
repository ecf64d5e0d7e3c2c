import { useState } from 'preact/hooks';
import { useApp } from '../components/nav';
import { useAsync } from '../components/useAsync';
import type { Role } from '../lib/api';
import { ROLES, type UserInfo, addUser, deleteUser, fetchAudit, formatTime, lastLogins, listUsers, randomPassword, updateUser, userFormError } from '../lib/users-api';
import { AuditSection } from './UsersAudit';
import { SecretBox, TokensSection } from './UsersTokens';
import './users.css';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Users, API tokens and the audit log; admin only (the server refuses others anyway). */
export function UsersPage() {
  const { me } = useApp();
  if (me.role !== 'admin') {
    return (
      <>
        <h1>Users</h1>
        <p class="muted">Only administrators manage users and tokens.</p>
      </>
    );
  }
  return (
    <>
      <h1>Users</h1>
      <UsersSection />
      <TokensSection />
      <AuditSection />
    </>
  );
}

function UsersSection() {
  const { session, me } = useApp();
  const [version, setVersion] = useState(0);
  const users = useAsync((s) => listUsers(session, s), [version]);
  // Last logins come from the newest audit entries (the users API does not keep them).
  const logins = useAsync((s) => fetchAudit(session, 1000, undefined, s).then(lastLogins), [version]);
  const [error, setError] = useState<string | undefined>();
  const [secret, setSecret] = useState<{ label: string; value: string } | undefined>();
  const reload = (): void => setVersion((v) => v + 1);
  const run = (p: Promise<unknown>, after?: () => void): void => {
    setError(undefined);
    p.then(() => {
      after?.();
      reload();
    }, (e: unknown) => setError(errText(e)));
  };
  return (
    <section class="card">
      <h2>People</h2>
      <AddUserForm onError={setError} onAdded={(name, password) => {
        if (password !== undefined) setSecret({ label: `Password of ${name} (shown once):`, value: password });
        reload();
      }} />
      {secret !== undefined ? <SecretBox label={secret.label} value={secret.value} onDone={() => setSecret(undefined)} /> : null}
      {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
      {users.error !== undefined ? <p class="error">{users.error}</p> : null}
      <div class="table-wrap">
        <table class="users-table">
          <thead><tr><th>Name</th><th>Role</th><th>Created</th><th>Last login</th><th>Actions</th></tr></thead>
          <tbody>
            {(users.data ?? []).map((u) => (
              <UserRow key={u.name} user={u} self={u.name === me.user} lastLogin={logins.data?.get(u.name)} run={run} onPassword={(value) => setSecret({ label: `New password of ${u.name} (shown once):`, value })} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function AddUserForm({ onAdded, onError }: { onAdded: (name: string, password: string | undefined) => void; onError: (e: string | undefined) => void }) {
  const { session } = useApp();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = (ev: Event): void => {
    ev.preventDefault();
    const given = password === '' ? undefined : password;
    const problem = userFormError(name, given);
    onError(problem);
    if (problem !== undefined) return;
    setBusy(true);
    addUser(session, { name, role, ...(given !== undefined ? { password: given } : {}) })
      .then((a) => {
        setName('');
        setPassword('');
        onAdded(a.user.name, a.password);
      }, (e: unknown) => onError(errText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <form class="users-form" onSubmit={submit} aria-label="Add a user">
      <label>Name<input type="text" name="name" value={name} autocomplete="off" onInput={(e) => setName(e.currentTarget.value)} /></label>
      <label>Role<RoleSelect value={role} onChange={setRole} /></label>
      <label>Password (empty: generate)<input type="password" name="password" value={password} autocomplete="new-password" onInput={(e) => setPassword(e.currentTarget.value)} /></label>
      <button type="submit" class="primary" data-change disabled={busy}>Add user</button>
    </form>
  );
}

function RoleSelect({ value, onChange, label }: { value: Role; onChange: (r: Role) => void; label?: string }) {
  return (
    <select value={value} aria-label={label} onChange={(e) => onChange(e.currentTarget.value as Role)}>
      {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
    </select>
  );
}

interface UserRowProps {
  user: UserInfo;
  self: boolean;
  lastLogin: number | undefined;
  run: (p: Promise<unknown>, after?: () => void) => void;
  onPassword: (password: string) => void;
}

function UserRow({ user, self, lastLogin, run, onPassword }: UserRowProps) {
  const { session } = useApp();
  const [confirming, setConfirming] = useState<'delete' | 'reset' | undefined>();
  const resetPassword = (): void => {
    const pw = randomPassword();
    setConfirming(undefined);
    run(updateUser(session, user.name, { password: pw }), () => onPassword(pw));
  };
  return (
    <tr data-user={user.name}>
      <td class="wrap-anywhere">{user.name}{user.disabled ? <span class="muted"> (disabled)</span> : null}{self ? <span class="muted"> (you)</span> : null}</td>
      <td>
        {self ? user.role : <span data-change><RoleSelect value={user.role} label={`Role of ${user.name}`} onChange={(role) => run(updateUser(session, user.name, { role }))} /></span>}
      </td>
      <td>{formatTime(user.createdAt)}</td>
      <td>{formatTime(lastLogin)}</td>
      <td>
        <div class="users-actions">
          {confirming === 'reset' ? (
            <>
              <span class="users-confirm">Give {user.name} a new random password?</span>
              <button type="button" data-change onClick={resetPassword}>Yes, reset</button>
              <button type="button" onClick={() => setConfirming(undefined)}>Cancel</button>
            </>
          ) : confirming === 'delete' ? (
            <>
              <span class="users-confirm">Delete {user.name}?</span>
              <button type="button" data-change onClick={() => run(deleteUser(session, user.name))}>Yes, delete</button>
              <button type="button" onClick={() => setConfirming(undefined)}>Cancel</button>
            </>
          ) : (
            <>
              <button type="button" data-change onClick={() => setConfirming('reset')}>Reset password…</button>
              {self ? null : <button type="button" data-change onClick={() => setConfirming('delete')}>Delete…</button>}
            </>
          )}
        </div>
      </td>
    </tr>
  );
}
