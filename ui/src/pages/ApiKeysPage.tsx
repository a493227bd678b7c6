import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/client';
import type { ApiKey, Chatflow } from '../api/types';
import { CopyButton } from '../components/CopyButton';
import { ListHead } from '../components/ListParts';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { useTitle } from '../components/use-title';

/**
 * API keys: create (the key is shown once), list masked with the chatflows bound to each, delete; and
 * the chatflows still bound to a deleted key (their predictions answer 401 until rebound).
 */
export function ApiKeysPage() {
  useTitle('API Keys');
  const [keys, setKeys] = useState<ApiKey[]>();
  const [orphans, setOrphans] = useState<Chatflow[]>([]);
  const keyField = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState(false);
  const [keyName, setKeyName] = useState('');
  const [created, setCreated] = useState<{ keyName: string; apiKey: string }>();
  const [deleting, setDeleting] = useState<ApiKey>();
  const reload = useCallback(async () => {
    const [list, flows] = await Promise.all([api<ApiKey[]>('GET', '/apikey'), api<Chatflow[]>('GET', '/chatflows')]);
    const ids = new Set(list.map((k) => k.id));
    setKeys(list);
    setOrphans(flows.filter((f) => f.apikeyid && !ids.has(f.apikeyid)));
  }, []);
  useEffect(() => void reload(), [reload]);

  async function create(event: FormEvent) {
    event.preventDefault();
    const result = await api<{ keyName: string; apiKey: string }>('POST', '/apikey', { keyName });
    setCreating(false);
    setKeyName('');
    setCreated(result);
    await reload();
  }

  return (
    <section>
      <div className="page-head">
        <h1>API Keys</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          Create Key
        </button>
      </div>
      {keys?.length === 0 && <p className="empty">No API keys yet.</p>}
      {keys && keys.length > 0 && (
        <table className="list">
          <ListHead columns={['Name', 'Key', 'Used by', 'Created']} />
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.keyName}</td>
                <td>
                  <code>{key.keyPrefix}••••••••</code>
                </td>
                <td>{key.chatFlows.length === 0 ? '—' : key.chatFlows.map((f) => f.flowName).join(', ')}</td>
                <td>{new Date(key.createdAt).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" className="danger" aria-label={`Delete ${key.keyName}`} onClick={() => setDeleting(key)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {orphans.length > 0 && (
        <section className="orphans" aria-label="Chatflows bound to a deleted key">
          <h2>Chatflows bound to a deleted key</h2>
          <p className="hint">Their predictions answer 401 until you choose another key or No Authorization in the chatflow's API Endpoint dialog.</p>
          <ul>
            {orphans.map((f) => (
              <li key={f.id}>
                <Link href={`/canvas/${f.id}`}>{f.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Dialog title="Create API key" open={creating} onClose={() => setCreating(false)}>
        <form className="form" onSubmit={(e) => void create(e)}>
          <label>
            Key name
            <input value={keyName} onChange={(e) => setKeyName(e.target.value)} required />
          </label>
          <button className="primary" type="submit">
            Create
          </button>
        </form>
      </Dialog>
      <Dialog title="Your new API key" open={created !== undefined} onClose={() => setCreated(undefined)}>
        <p>Copy it now: it is shown only once (the server keeps only a hash).</p>
        <div className="copy-row">
          <input ref={keyField} readOnly aria-label="New API key" value={created?.apiKey ?? ''} onFocus={(e) => e.target.select()} />
          <CopyButton text={created?.apiKey ?? ''} target={keyField} />
        </div>
      </Dialog>
      <ConfirmDialog
        title="Delete API key"
        message={`Delete "${deleting?.keyName}"? Chatflows bound to it stay locked (their predictions answer 401) until bound to another key.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const key = deleting!;
          setDeleting(undefined);
          void api('DELETE', `/apikey/${key.id}`).then(reload);
        }}
      />
    </section>
  );
}
