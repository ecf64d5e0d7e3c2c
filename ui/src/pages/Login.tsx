import { useState } from 'preact/hooks';
import { type ApiSession, type Me, HttpError, login } from '../lib/api';

export function LoginPage({ session, onLoggedIn }: { session: ApiSession; onLoggedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <div class="login-wrap">
      <form
        class="card login"
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          login(session, username, password).then(onLoggedIn, (err: unknown) => {
            setBusy(false);
            if (err instanceof HttpError && err.status === 429) setError('Too many attempts: wait a moment and try again.');
            else if (err instanceof HttpError && err.status === 401) setError('Wrong user name or password.');
            else setError(err instanceof Error ? err.message : String(err));
          });
        }}
      >
        <h1>Vigie</h1>
        <label>User name<input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} /></label>
        <label>Password<input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} /></label>
        {error !== undefined ? <p class="error" role="alert">{error}</p> : null}
        <button type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </div>
  );
}
