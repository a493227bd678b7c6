import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import { ErrorText } from '../components/ListParts';

/** First visit with no admin credential configured: create the admin account with the logged setup token. */
export function SetupForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [setupToken, setToken] = useState('');
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    try {
      await api('POST', '/auth/setup', { setupToken, username, password }, { noReauth: true });
      onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The server cannot be reached');
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <p>No admin is configured yet. Create the admin account with the setup token the server printed in its log.</p>
      <label>
        Setup token
        <input value={setupToken} onChange={(e) => setToken(e.target.value)} autoComplete="off" required />
      </label>
      <label>
        Username
        <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
      </label>
      <label>
        Password
        <input type="password" value={password} minLength={8} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />
      </label>
      <ErrorText error={error} />
      <button className="primary" type="submit">
        Create admin account
      </button>
    </form>
  );
}
