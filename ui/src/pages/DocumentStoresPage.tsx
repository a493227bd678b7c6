import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { type DocumentStore, docstores } from '../api/docstores';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { ErrorText, ListHead } from '../components/ListParts';
import { useTitle } from '../components/use-title';
import './docstores/docstores.css';

/** The name and description form of a store (create and rename). */
function StoreForm({
  store,
  others,
  submit,
  onDone,
}: {
  store?: DocumentStore;
  /** The other stores: a name one of them has is allowed, but said (the canvas's store list would show two alike). */
  others: DocumentStore[];
  submit: string;
  onDone: (fields: { name: string; description: string }) => Promise<void>;
}) {
  const [name, setName] = useState(store?.name ?? '');
  const [description, setDescription] = useState(store?.description ?? '');
  const [error, setError] = useState('');
  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError('');
    try {
      await onDone({ name, description });
    } catch (e) {
      setError((e as Error).message);
    }
  }
  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)}>
      <label>
        Store name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      {others.some((other) => other.id !== store?.id && other.name === name.trim()) && (
        <p className="hint" role="status">
          Another store is named &quot;{name.trim()}&quot; already: chatflows' store lists will show both under that name.
        </p>
      )}
      <label>
        Description
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <ErrorText error={error} />
      <button className="primary" type="submit">
        {submit}
      </button>
    </form>
  );
}

/** Document stores: list, create, rename and delete; a store's name opens its page. */
export function DocumentStoresPage() {
  useTitle('Document Stores');
  const [stores, setStores] = useState<DocumentStore[]>();
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<DocumentStore>();
  const [deleting, setDeleting] = useState<DocumentStore>();

  const reload = useCallback(async () => {
    try {
      setStores(await docstores.list());
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => void reload(), [reload]);

  return (
    <section>
      <div className="page-head">
        <h1>Document Stores</h1>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add New
        </button>
      </div>
      <ErrorText error={error} />
      {stores === undefined ? (
        <p>Loading…</p>
      ) : stores.length === 0 ? (
        <p className="empty">No document stores yet: add one, then give it a document loader.</p>
      ) : (
        <table className="list">
          <ListHead columns={['Name', 'Description', 'Status', 'Loaders', 'Chunks', 'Characters']} />
          <tbody>
            {stores.map((store) => (
              <tr key={store.id}>
                <td>
                  <Link href={`/document-stores/${store.id}`}>{store.name}</Link>
                </td>
                <td>{store.description}</td>
                <td>
                  <span className={`store-status status-${store.status.toLowerCase()}`}>{store.status}</span>
                </td>
                <td>{store.loaders.length}</td>
                <td>{store.totalChunks}</td>
                <td>{store.totalChars}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Rename ${store.name}`} onClick={() => setRenaming(store)}>
                    Rename
                  </button>
                  <button type="button" className="danger" aria-label={`Delete ${store.name}`} onClick={() => setDeleting(store)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog title="Add document store" open={adding} onClose={() => setAdding(false)}>
        <StoreForm
          others={stores ?? []}
          submit="Create"
          onDone={async ({ name, description }) => {
            await docstores.create(name, description);
            setAdding(false);
            await reload();
          }}
        />
      </Dialog>
      <Dialog title="Rename document store" open={renaming !== undefined} onClose={() => setRenaming(undefined)}>
        {renaming && (
          <StoreForm
            store={renaming}
            others={stores ?? []}
            submit="Save"
            onDone={async (fields) => {
              await docstores.update(renaming.id, fields);
              setRenaming(undefined);
              await reload();
            }}
          />
        )}
      </Dialog>
      <ConfirmDialog
        title="Delete document store"
        message={`Delete "${deleting?.name}" with its loaders, chunks, files and vectors? Chatflows that use it find nothing any more.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const store = deleting!;
          setDeleting(undefined);
          setError('');
          docstores.remove(store.id).then(reload, (e: unknown) => setError((e as Error).message));
        }}
      />
    </section>
  );
}
