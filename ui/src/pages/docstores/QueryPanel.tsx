import { type FormEvent, useState } from 'react';
import { type QueryResult, docstores } from '../../api/docstores';
import { ErrorText } from '../../components/ListParts';
import { ChunkItem } from './ChunkItem';

/** Asks the store's vectors a question: the chunks retrieved, with their similarity score and metadata. */
export function QueryPanel({ storeId }: { storeId: string }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<QueryResult>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      setResult(await docstores.query(storeId, query));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="query-panel" aria-labelledby="query-title">
      <h2 id="query-title">Query</h2>
      <form className="query-form" onSubmit={(e) => void submit(e)}>
        <input type="search" aria-label="Question" placeholder="Ask the store a question" value={query} onChange={(e) => setQuery(e.target.value)} required />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Searching…' : 'Query'}
        </button>
      </form>
      <ErrorText error={error} />
      {result && (
        <>
          <p className="hint">
            {result.docs.length} {result.docs.length === 1 ? 'chunk' : 'chunks'} in {result.timeTaken} ms
          </p>
          <ol className="chunk-list" aria-label="Retrieved chunks">
            {result.docs.map((doc) => (
              <ChunkItem
                key={doc.id}
                head={
                  <>
                    <strong>#{doc.chunkNo}</strong>
                    {doc.score !== undefined && <span className="score">score {doc.score.toFixed(3)}</span>}
                  </>
                }
                content={doc.pageContent}
                metadata={JSON.stringify(doc.metadata)}
              />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
