import { useCallback, useEffect, useState } from 'react';
import { loadCredentialSchemas } from '../api/catalogue';
import { api } from '../api/client';
import { credentialsChanged } from '../api/credentials';
import type { Credential } from '../api/types';
import { ListHead } from '../components/ListParts';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CredentialForm } from '../components/CredentialForm';
import { Dialog } from '../components/Dialog';
import { useTitle } from '../components/use-title';

/** Stored credentials: list, add from the credential schemas, edit (secrets masked), delete. */
export function CredentialsPage() {
  const [credentials, setCredentials] = useState<Credential[]>();
  const [editing, setEditing] = useState<Credential | 'new'>();
  const [deleting, setDeleting] = useState<Credential>();
  const [typeLabels, setTypeLabels] = useState<ReadonlyMap<string, string>>(new Map());
  useTitle('Credentials');
  const reload = useCallback(async () => setCredentials(await api<Credential[]>('GET', '/credentials')), []);
  useEffect(() => void reload(), [reload]);
  useEffect(() => {
    loadCredentialSchemas().then((schemas) => setTypeLabels(new Map(schemas.map((s) => [s.name, s.label]))), () => undefined);
  }, []);

  return (
    <section>
      <div className="page-head">
        <h1>Credentials</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add Credential
        </button>
      </div>
      {credentials?.length === 0 && <p className="empty">No credentials yet.</p>}
      {credentials && credentials.length > 0 && (
        <table className="list">
          <ListHead columns={['Name', 'Type', 'Updated']} />
          <tbody>
            {credentials.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td title={c.credentialName}>{typeLabels.get(c.credentialName) ?? c.credentialName}</td>
                <td>{new Date(c.updatedDate).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                    Edit
                  </button>
                  <button type="button" className="danger" aria-label={`Delete ${c.name}`} onClick={() => setDeleting(c)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog title={editing === 'new' ? 'Add credential' : 'Edit credential'} open={editing !== undefined} onClose={() => setEditing(undefined)}>
        <CredentialForm
          {...(editing && editing !== 'new' ? { existing: editing } : {})}
          onSaved={() => {
            setEditing(undefined);
            credentialsChanged();
            void reload();
          }}
        />
      </Dialog>
      <ConfirmDialog
        title="Delete credential"
        message={`Delete "${deleting?.name}"? Nodes that use it will need another one.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const c = deleting!;
          setDeleting(undefined);
          void api('DELETE', `/credentials/${c.id}`).then(() => (credentialsChanged(), reload()));
        }}
      />
    </section>
  );
}
