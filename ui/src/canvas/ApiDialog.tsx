import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ApiKey, Chatflow } from '../api/types';
import { Dialog } from '../components/Dialog';
import { curlSnippet, embedFullPage, embedPopup, javascriptSnippet, pythonSnippet } from '../flow/snippets';

const TABS = ['Embed', 'Full page', 'cURL', 'JavaScript', 'Python'] as const;
type Tab = (typeof TABS)[number];

/** How to call or embed a chatflow, and which API key (if any) it requires (`apikeyid`). */
export function ApiDialog({ chatflow, open, onClose, onBound }: { chatflow: Chatflow; open: boolean; onClose: () => void; onBound: (updated: Chatflow) => void }) {
  const [tab, setTab] = useState<Tab>('Embed');
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (open) void api<ApiKey[]>('GET', '/apikey').then(setKeys);
  }, [open]);

  const key = keys.find((k) => k.id === chatflow.apikeyid);
  const input = { origin: window.location.origin, chatflowId: chatflow.id, ...(key ? { apiKey: `<API key "${key.keyName}" (${key.keyPrefix}…)>` } : {}) };
  const code = { Embed: embedPopup, 'Full page': embedFullPage, cURL: curlSnippet, JavaScript: javascriptSnippet, Python: pythonSnippet }[tab](input);

  async function bind(apikeyid: string) {
    onBound(await api<Chatflow>('PUT', `/chatflows/${chatflow.id}`, { apikeyid: apikeyid || null }));
  }

  return (
    <Dialog title="API Endpoint" open={open} onClose={onClose} wide>
      <label className="inline">
        API key
        <select aria-label="Chatflow API key" value={chatflow.apikeyid ?? ''} onChange={(e) => void bind(e.target.value)}>
          <option value="">No Authorization</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.keyName}
            </option>
          ))}
        </select>
      </label>
      {key && <p className="hint">Predictions on this chatflow now need this key (Bearer). The embed widget cannot send it: use the API snippets.</p>}
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => (setTab(t), setCopied(false))}>
            {t}
          </button>
        ))}
      </div>
      <pre className="code" role="tabpanel" aria-label={`${tab} snippet`}>
        {code}
      </pre>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(code);
          setCopied(true);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </Dialog>
  );
}
