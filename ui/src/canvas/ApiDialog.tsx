import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { ApiKey, Chatflow } from '../api/types';
import { CopyButton } from '../components/CopyButton';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ListParts';
import { curlSnippet, embedFullPage, embedPopup, javascriptSnippet, pythonSnippet } from '../flow/snippets';

const TABS = ['Embed', 'Full page', 'cURL', 'JavaScript', 'Python'] as const;
type Tab = (typeof TABS)[number];

/** A key as the picker names it: duplicate names stay apart by their prefix. */
export const keyLabel = (key: Pick<ApiKey, 'keyName' | 'keyPrefix'>) => `${key.keyName} (${key.keyPrefix}…)`;

/**
 * How to call or embed a chatflow, and which API key (if any) it requires (`apikeyid`). A chatflow
 * bound to a key that was deleted says so (its predictions answer 401) and can be unbound or rebound.
 */
export function ApiDialog({ chatflow, open, onClose, onBound }: { chatflow: Chatflow; open: boolean; onClose: () => void; onBound: (updated: Chatflow) => void }) {
  const [tab, setTab] = useState<Tab>('Embed');
  const [keys, setKeys] = useState<ApiKey[]>();
  const [error, setError] = useState('');
  const codeBox = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (open) api<ApiKey[]>('GET', '/apikey').then(setKeys, (e: unknown) => setError((e as Error).message));
  }, [open]);

  const key = keys?.find((k) => k.id === chatflow.apikeyid);
  const deletedKey = keys !== undefined && Boolean(chatflow.apikeyid) && !key;
  const input = { origin: window.location.origin, chatflowId: chatflow.id, ...(key ? { apiKey: { name: key.keyName, prefix: key.keyPrefix } } : {}) };
  const code = { Embed: embedPopup, 'Full page': embedFullPage, cURL: curlSnippet, JavaScript: javascriptSnippet, Python: pythonSnippet }[tab](input);

  async function bind(apikeyid: string) {
    setError('');
    try {
      onBound(await api<Chatflow>('PUT', `/chatflows/${chatflow.id}`, { apikeyid: apikeyid || null }));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <Dialog title="API Endpoint" open={open} onClose={onClose} wide>
      <label className="inline">
        API key
        <select aria-label="Chatflow API key" value={chatflow.apikeyid ?? ''} onChange={(e) => void bind(e.target.value)}>
          {deletedKey && (
            <option value={chatflow.apikeyid!} disabled>
              Deleted key
            </option>
          )}
          <option value="">No Authorization</option>
          {keys?.map((k) => (
            <option key={k.id} value={k.id}>
              {keyLabel(k)}
            </option>
          ))}
        </select>
      </label>
      {deletedKey && (
        <p className="error" role="alert">
          Bound to a deleted key: predictions answer 401 until you choose a key or No Authorization.
        </p>
      )}
      {key && <p className="hint">Predictions on this chatflow now need this key (Bearer). The embed widget cannot send it: use the API snippets.</p>}
      <ErrorText error={error} />
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <pre className="code" role="tabpanel" aria-label={`${tab} snippet`} ref={codeBox}>
        {code}
      </pre>
      <CopyButton text={code} target={codeBox} />
    </Dialog>
  );
}
