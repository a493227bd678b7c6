import { useState } from 'react';
import { type LoaderSettings, docstores } from '../../api/docstores';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from '../../components/ListParts';
import type { CatalogueNode } from '../../flow/types';
import { ChunkItem } from './ChunkItem';
import { type NodeChoice, NodeSettings, emptyChoice, inCategory } from './NodeSettings';

const PREVIEW_COUNT = 20;

type Preview = { chunks: Array<{ pageContent: string; metadata: Record<string, unknown> }>; totalChunks: number };

/**
 * Adds a document loader to a store: a loader node and an optional text splitter with their params,
 * a preview of the first chunks (nothing saved), then "Process" saves the loader and makes its chunks.
 */
export function LoaderDialog({ storeId, catalogue, open, onClose, onProcessed }: { storeId: string; catalogue: CatalogueNode[]; open: boolean; onClose: () => void; onProcessed: () => void }) {
  const [loader, setLoader] = useState<NodeChoice>(emptyChoice());
  const [splitter, setSplitter] = useState<NodeChoice>(emptyChoice());
  const [preview, setPreview] = useState<Preview>();
  const [busy, setBusy] = useState<'' | 'preview' | 'process'>('');
  const [error, setError] = useState('');
  // The documentStore loader reads a store's chunks: a store made of another store's chunks is not offered.
  const loaders = inCategory(catalogue, 'Document Loaders', ['documentStore']);
  const splitters = inCategory(catalogue, 'Text Splitters');
  const labelOf = (name: string) => catalogue.find((n) => n.name === name)?.label ?? name;

  const settings = (): LoaderSettings => ({
    loaderId: loader.name,
    loaderName: labelOf(loader.name),
    loaderConfig: loader.inputs,
    ...(loader.credential ? { credential: loader.credential } : {}),
    ...(splitter.name ? { splitterId: splitter.name, splitterName: labelOf(splitter.name), splitterConfig: splitter.inputs } : {}),
  });

  async function act(kind: 'preview' | 'process') {
    setError('');
    setBusy(kind);
    try {
      if (kind === 'preview') setPreview(await docstores.preview(storeId, settings(), PREVIEW_COUNT));
      else {
        await docstores.process(storeId, settings());
        close();
        onProcessed();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy('');
    }
  }

  function close() {
    setLoader(emptyChoice());
    setSplitter(emptyChoice());
    setPreview(undefined);
    setError('');
    onClose();
  }

  return (
    <Dialog title="Add document loader" open={open} onClose={close} wide>
      <div className="loader-form">
        <div className="loader-settings">
          <NodeSettings label="Document loader" nodes={loaders} value={loader} onChange={(c) => (setLoader(c), setPreview(undefined))} />
          <NodeSettings label="Text splitter" nodes={splitters} value={splitter} optional onChange={(c) => (setSplitter(c), setPreview(undefined))} />
        </div>
        <div className="loader-preview">
          <h3>Preview</h3>
          {preview === undefined ? (
            <p className="hint">Preview shows the first {PREVIEW_COUNT} chunks the loader and splitter make; nothing is saved.</p>
          ) : (
            <>
              <p role="status">
                Showing {preview.chunks.length} of {preview.totalChunks} chunks
              </p>
              <ol className="chunk-list" aria-label="Preview chunks">
                {preview.chunks.map((chunk, i) => (
                  <ChunkItem key={i} content={chunk.pageContent} metadata={JSON.stringify(chunk.metadata)} />
                ))}
              </ol>
            </>
          )}
        </div>
      </div>
      <ErrorText error={error} />
      <div className="dialog-actions">
        <button type="button" disabled={!loader.name || busy !== ''} onClick={() => void act('preview')}>
          {busy === 'preview' ? 'Previewing…' : 'Preview chunks'}
        </button>
        <button type="button" className="primary" disabled={!loader.name || busy !== ''} onClick={() => void act('process')}>
          {busy === 'process' ? 'Processing…' : 'Process'}
        </button>
      </div>
    </Dialog>
  );
}
