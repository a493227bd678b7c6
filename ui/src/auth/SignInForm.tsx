import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client';
import { ErrorText } from '../components/ListParts';
import { useSession } from './session-store';

type Method = 'password' | 'apiKey';

/** Sign in with the admin username and password, or the admin API key (each offered only when the server has it). */
export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const offered = useSession((s) => s.status?.signIn) ?? { password: true, apiKey: true };
  const [chosen, setMethod] = useState<Method>('password');
  const method: Method = !offered.apiKey ? 'password' : !offered.password ? 'apiKey' : chosen;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api('POST', '/auth/login', method === 'password' ? { username, password } : { apiKey }, { noReauth: true });
      onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The server cannot be reached');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      {offered.password && offered.apiKey && (
        <div className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={method === 'password'} onClick={() => setMethod('password')}>
            Username and password
          </button>
          <button type="button" role="tab" aria-selected={method === 'apiKey'} onClick={() => setMethod('apiKey')}>
            Admin API key
          </button>
        </div>
      )}
      {method === 'password' ? (
        <>
          <label>
            Username
            <input autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
          </label>
          <label>
            Password
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
        </>
      ) : (
        <label>
          API key
          <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} required />
        </label>
      )}
      <ErrorText error={error} />
      <button className="primary" type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
