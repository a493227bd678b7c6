import { useEffect, useRef, useState } from 'react';
import { type DocumentStore, type IndexCounts, type UpsertJob, docstores } from '../../api/docstores';
import { ErrorText } from '../../components/ListParts';
import type { CatalogueNode } from '../../flow/types';
import { type NodeChoice, NodeSettings, choiceFor, configOf, inCategory } from './NodeSettings';

/** How often the upsert job and the store are read while the upsert runs. */
const POLL_MS = 500;

type Upsert =
  | { phase: 'saving' }
  | { phase: 'running'; job: UpsertJob['status']; attempt: number; store: string }
  | { phase: 'done'; counts: IndexCounts }
  | { phase: 'failed'; store: string };

/**
 * The store's embeddings and vector store (nodes, params, credentials), saved with the store, and the
 * upsert: the chunks embedded into the store's vectors. The insert runs as a job (`?async=true`); its row
 * (queued, running with its attempt, then the counts) and the store's status are polled and shown as the
 * server reports them.
 */
export function VectorPanel({ store, catalogue, onChanged }: { store: DocumentStore; catalogue: CatalogueNode[]; onChanged: () => void }) {
  const embeddingNodes = inCategory(catalogue, 'Embeddings');
  // documentStoreVS reads a store's vectors; it is not where a store writes them.
  const vectorNodes = inCategory(catalogue, 'Vector Stores', ['documentStoreVS']);
  const [embedding, setEmbedding] = useState<NodeChoice>(() => choiceFor(embeddingNodes.find((n) => n.name === store.embeddingConfig?.name), store.embeddingConfig));
  const [vector, setVector] = useState<NodeChoice>(() => choiceFor(vectorNodes.find((n) => n.name === store.vectorStoreConfig?.name), store.vectorStoreConfig));
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [upsert, setUpsert] = useState<Upsert>();
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);

  const save = () =>
    docstores.saveVectors(store.id, {
      embeddingName: embedding.name,
      embeddingConfig: configOf(embedding),
      vectorStoreName: vector.name,
      vectorStoreConfig: configOf(vector),
    });

  async function onSave() {
    setError('');
    setSaved(false);
    try {
      await save();
      setSaved(true);
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onUpsert() {
    setError('');
    setSaved(false);
    setUpsert({ phase: 'saving' });
    try {
      await save();
      const { id } = await docstores.startInsert(store.id);
      for (;;) {
        const [job, current] = await Promise.all([docstores.job(id), docstores.get(store.id)]);
        if (!alive.current) return;
        if (job.status === 'completed') {
          setUpsert({ phase: 'done', counts: job.result?.indexed ?? { numAdded: 0, numUpdated: 0, numSkipped: 0, numDeleted: 0 } });
          break;
        }
        if (job.status === 'failed' || job.status === 'cancelled') {
          setError(job.error ?? 'The upsert failed');
          setUpsert({ phase: 'failed', store: current.status });
          break;
        }
        setUpsert({ phase: 'running', job: job.status, attempt: job.attempt, store: current.status });
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } catch (e) {
      setError((e as Error).message);
      setUpsert({ phase: 'failed', store: (await docstores.get(store.id).catch(() => store)).status });
    }
    onChanged();
  }

  const busy = upsert?.phase === 'saving' || upsert?.phase === 'running';
  return (
    <section className="vector-panel" aria-labelledby="vector-title">
      <h2 id="vector-title">Embeddings and vector store</h2>
      <div className="vector-settings">
        <NodeSettings label="Embeddings" nodes={embeddingNodes} value={embedding} onChange={setEmbedding} />
        <NodeSettings label="Vector store" nodes={vectorNodes} value={vector} onChange={setVector} />
      </div>
      <ErrorText error={error} />
      <div className="dialog-actions">
        {saved && <span role="status">Settings saved</span>}
        <button type="button" disabled={busy || !embedding.name || !vector.name} onClick={() => void onSave()}>
          Save settings
        </button>
        <button type="button" className="primary" disabled={busy || !embedding.name || !vector.name || store.totalChunks === 0} onClick={() => void onUpsert()}>
          Upsert
        </button>
      </div>
      {upsert && <UpsertProgress upsert={upsert} chunks={store.totalChunks} />}
    </section>
  );
}

function UpsertProgress({ upsert, chunks }: { upsert: Upsert; chunks: number }) {
  return (
    <div className="upsert-progress" role="status" aria-label="Upsert progress">
      {upsert.phase === 'saving' && <p>Saving the settings…</p>}
      {upsert.phase === 'running' && (
        <>
          {/* Indeterminate: the server reports the job's and the store's status, not a count of embedded chunks. */}
          <progress aria-label="Upserting" />
          <p>
            {upsert.job === 'queued' ? `Upsert of ${chunks} chunks queued: it starts when an upsert slot is free` : `Upserting ${chunks} chunks (attempt ${upsert.attempt})`}: store status {upsert.store}
          </p>
        </>
      )}
      {upsert.phase === 'done' && (
        <p className="ok">
          Upsert done: {upsert.counts.numAdded} added, {upsert.counts.numUpdated} updated, {upsert.counts.numSkipped} skipped, {upsert.counts.numDeleted} deleted
        </p>
      )}
      {upsert.phase === 'failed' && <p>Upsert failed: store status {upsert.store}</p>}
    </div>
  );
}
