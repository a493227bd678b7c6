import { useCallback, useEffect, useState } from 'react';
import { type Chunk, type ChunkPage, docstores } from '../../api/docstores';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from '../../components/ListParts';
import { ChunkItem } from './ChunkItem';

/** Chunks per page: the server's page size (Flowise's 50). */
const PAGE_SIZE = 50;

/** A store's chunks (one loader's, or `all`), paged by the server, each editable and deletable. */
export function ChunksPanel({
  storeId,
  loaderId,
  title,
  loaderNames,
  onChanged,
}: {
  storeId: string;
  loaderId: string;
  title: string;
  /** Loader id → what the page calls it: in "All chunks" each loader numbers its chunks from 1, so each says whose it is. */
  loaderNames: Record<string, string>;
  onChanged: () => void;
}) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<ChunkPage>();
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<Chunk>();
  const [deleting, setDeleting] = useState<Chunk>();

  const load = useCallback(async (n: number) => {
    setError('');
    try {
      setData(await docstores.chunks(storeId, loaderId, n));
      setPage(n);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [storeId, loaderId]);
  useEffect(() => void load(1), [load]);

  const pages = data ? Math.max(1, Math.ceil(data.count / PAGE_SIZE)) : 1;
  const change = (action: () => Promise<unknown>) => {
    setError('');
    action().then(
      () => (onChanged(), load(page)),
      (e: unknown) => setError((e as Error).message),
    );
  };

  return (
    <section className="chunks-panel" aria-label={title}>
      <h2>{title}</h2>
      <ErrorText error={error} />
      {data && (
        <>
          <p className="hint">
            {data.count} chunks, {data.characters} characters
          </p>
          <ol className="chunk-list" aria-label="Chunks">
            {data.chunks.map((chunk) => (
              <ChunkItem
                key={chunk.id}
                head={
                  <>
                    <strong>#{chunk.chunkNo}</strong>
                    {loaderId === 'all' && <span className="chunk-loader">of {loaderNames[chunk.docId] ?? chunk.docId}</span>}
                    <span className="spacer" />
                    <button type="button" aria-label={`Edit chunk ${chunk.chunkNo}`} onClick={() => setEditing(chunk)}>
                      Edit
                    </button>
                    <button type="button" className="danger" aria-label={`Delete chunk ${chunk.chunkNo}`} onClick={() => setDeleting(chunk)}>
                      Delete
                    </button>
                  </>
                }
                content={chunk.pageContent}
                metadata={chunk.metadata}
              />
            ))}
          </ol>
          <nav className="pager" aria-label="Chunk pages">
            <button type="button" disabled={page <= 1} onClick={() => void load(page - 1)}>
              Previous
            </button>
            <span>
              Page {page} of {pages}
            </span>
            <button type="button" disabled={page >= pages} onClick={() => void load(page + 1)}>
              Next
            </button>
          </nav>
        </>
      )}
      <Dialog title="Edit chunk" open={editing !== undefined} onClose={() => setEditing(undefined)} wide>
        {editing && <ChunkForm chunk={editing} onSave={(content, metadata) => (setEditing(undefined), change(() => docstores.editChunk(storeId, editing, content, metadata)))} />}
      </Dialog>
      <ConfirmDialog
        title="Delete chunk"
        message={`Delete chunk #${deleting?.chunkNo}? Upsert again to remove it from the vectors.`}
        confirm="Delete"
        open={deleting !== undefined}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => {
          const chunk = deleting!;
          setDeleting(undefined);
          change(() => docstores.deleteChunk(storeId, chunk));
        }}
      />
    </section>
  );
}

function ChunkForm({ chunk, onSave }: { chunk: Chunk; onSave: (content: string, metadata: string) => void }) {
  const [content, setContent] = useState(chunk.pageContent);
  const [metadata, setMetadata] = useState(chunk.metadata);
  let invalid = false;
  try {
    JSON.parse(metadata);
  } catch {
    invalid = true;
  }
  return (
    <form className="form" onSubmit={(e) => (e.preventDefault(), onSave(content, metadata))}>
      <label>
        Content
        <textarea rows={10} value={content} onChange={(e) => setContent(e.target.value)} />
      </label>
      <label>
        Metadata (JSON)
        <textarea className="mono" rows={4} value={metadata} aria-invalid={invalid} onChange={(e) => setMetadata(e.target.value)} />
      </label>
      {invalid && <span className="field-error">Not valid JSON</span>}
      {content.trim() === '' && <span className="field-error">Content must not be empty: delete the chunk instead</span>}
      <button type="submit" className="primary" disabled={invalid || content.trim() === ''}>
        Save chunk
      </button>
    </form>
  );
}
