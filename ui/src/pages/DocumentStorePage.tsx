import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { loadCatalogue } from '../api/catalogue';
import { type DocumentStore, docstores } from '../api/docstores';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText, ListHead } from '../components/ListParts';
import { useTitle } from '../components/use-title';
import type { CatalogueNode } from '../flow/types';
import { ChunksPanel } from './docstores/ChunksPanel';
import { LoaderDialog } from './docstores/LoaderDialog';
import { QueryPanel } from './docstores/QueryPanel';
import { VectorPanel } from './docstores/VectorPanel';
import './docstores/docstores.css';

/**
 * One document store: its loaders (add with a preview, process, delete), their chunks (paged, edit,
 * delete), the embeddings and vector store with the upsert, and a query box.
 */
export function DocumentStorePage({ storeId }: { storeId: string }) {
  const [store, setStore] = useState<DocumentStore>();
  const [catalogue, setCatalogue] = useState<CatalogueNode[]>();
  const [error, setError] = useState('');
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState('all');
  const [removing, setRemoving] = useState<DocumentStore['loaders'][number]>();
  const [version, setVersion] = useState(0);
  useTitle(store?.name ?? 'Document Store');

  const reload = useCallback(async () => {
    try {
      setStore(await docstores.get(storeId));
      setVersion((v) => v + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [storeId]);
  useEffect(() => {
    void reload();
    loadCatalogue().then(setCatalogue, (e: unknown) => setError((e as Error).message));
  }, [reload]);

  if (!store || !catalogue) {
    return (
      <section>
        <ErrorText error={error} />
        {!error && <p>Loading…</p>}
      </section>
    );
  }
  const shownLoader = store.loaders.find((l) => l.id === shown);
  return (
    <section className="docstore">
      <p>
        <Link href="/document-stores">← Document Stores</Link>
      </p>
      <div className="page-head">
        <h1>{store.name}</h1>
        <span className={`store-status status-${store.status.toLowerCase()}`} aria-label="Store status">
          {store.status}
        </span>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add document loader
        </button>
      </div>
      {store.description && <p className="hint">{store.description}</p>}
      <UsedBy whereUsed={store.whereUsed} />
      <ErrorText error={error} />
      <section aria-labelledby="loaders-title">
        <h2 id="loaders-title">Document loaders</h2>
        {store.loaders.length === 0 ? (
          <p className="empty">No loader yet: add one to load documents and split them into chunks.</p>
        ) : (
          <table className="list">
            <ListHead columns={['Loader', 'Splitter', 'Source', 'Chunks', 'Characters', 'Status']} />
            <tbody>
              {store.loaders.map((loader) => (
                <tr key={loader.id}>
                  <td>{loader.loaderName ?? loader.loaderId}</td>
                  <td>{loader.splitterName ?? loader.splitterId ?? 'None'}</td>
                  <td>{loader.source}</td>
                  <td>{loader.totalChunks ?? 0}</td>
                  <td>{loader.totalChars ?? 0}</td>
                  <td>
                    {loader.status}
                    {loader.error && <span className="loader-error">: {loader.error}</span>}
                  </td>
                  <td className="row-actions">
                    <button type="button" aria-label={`Show chunks of ${loader.source}`} aria-pressed={shown === loader.id} onClick={() => setShown(shown === loader.id ? 'all' : loader.id)}>
                      Chunks
                    </button>
                    <button type="button" className="danger" aria-label={`Delete loader ${loader.source}`} onClick={() => setRemoving(loader)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <div className="docstore-columns">
        <VectorPanel store={store} catalogue={catalogue} onChanged={() => void reload()} />
        <QueryPanel storeId={store.id} />
      </div>
      {store.loaders.length > 0 && (
        <ChunksPanel
          key={`${shown}:${version}`}
          storeId={store.id}
          loaderId={shownLoader ? shownLoader.id : 'all'}
          title={shownLoader ? `Chunks of ${shownLoader.source}` : 'All chunks'}
          loaderNames={Object.fromEntries(store.loaders.map((l) => [l.id, `${l.loaderName ?? l.loaderId ?? 'loader'} (${l.source ?? 'None'})`]))}
          onChanged={() => void docstores.get(storeId).then(setStore, () => undefined)}
        />
      )}
      {/* Reloaded on close too: a Process that failed has saved its loader (marked FAILED with the reason). */}
      <LoaderDialog storeId={store.id} catalogue={catalogue} open={adding} onClose={() => (setAdding(false), void reload())} onProcessed={() => void reload()} />
      <ConfirmDialog
        title="Delete document loader"
        message={`Delete the loader of "${removing?.source}" with its chunks and files? Upsert again to remove its vectors.`}
        confirm="Delete"
        open={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        onConfirm={() => {
          const loader = removing!;
          setRemoving(undefined);
          setError('');
          setShown('all');
          docstores.removeLoader(store.id, loader.id).then(reload, (e: unknown) => setError((e as Error).message));
        }}
      />
    </section>
  );
}

/** The chatflows whose document store nodes select this store (`whereUsed` of `GET /store/:id`). */
function UsedBy({ whereUsed }: { whereUsed: unknown[] }) {
  const flows = whereUsed.filter((u): u is { id: string; name: string } => typeof u === 'object' && u !== null && 'id' in u && 'name' in u);
  if (flows.length === 0) return <p className="hint">No chatflow uses this store yet (Document Store or Document Store (Vector) nodes select it).</p>;
  return (
    <p className="hint">
      Used by{' '}
      {flows.map((flow, i) => (
        <span key={flow.id}>
          {i > 0 && ', '}
          <Link href={`/canvas/${flow.id}`}>{flow.name}</Link>
        </span>
      ))}
    </p>
  );
}
