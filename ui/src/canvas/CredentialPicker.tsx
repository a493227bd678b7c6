import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Credential } from '../api/types';
import { CredentialForm } from '../components/CredentialForm';
import { Dialog } from '../components/Dialog';

/** One request per credential type list, shared by every node on the canvas; a new credential refreshes it. */
const lists = new Map<string, Promise<Credential[]>>();
function credentialsOf(query: string, fresh = false): Promise<Credential[]> {
  if (fresh || !lists.has(query)) lists.set(query, api<Credential[]>('GET', `/credentials?${query}`).catch((e: unknown) => (lists.delete(query), Promise.reject(e))));
  return lists.get(query)!;
}

/** The node's credential: stored credentials of the accepted types, and "Create New". */
export function CredentialPicker({ names, value, optional, onChange }: { names: string[]; value: string; optional?: boolean; onChange: (id: string) => void }) {
  const [list, setList] = useState<Credential[]>([]);
  const [creating, setCreating] = useState(false);
  const query = names.map((n) => `credentialName=${encodeURIComponent(n)}`).join('&');
  const reload = useCallback(async (fresh = false) => setList(await credentialsOf(query, fresh)), [query]);
  useEffect(() => void reload(), [reload]);

  return (
    <div className="param param-row">
      <label>
        Connect Credential{optional ? '' : ' *'}
        <select
          className="nodrag"
          value={value}
          onChange={(e) => {
            if (e.target.value === '__new__') setCreating(true);
            else onChange(e.target.value);
          }}
        >
          <option value="">Choose a credential</option>
          {list.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
          <option value="__new__">- Create New -</option>
        </select>
      </label>
      <Dialog title="Create credential" open={creating} onClose={() => setCreating(false)}>
        <CredentialForm
          types={names}
          onSaved={(created) => {
            setCreating(false);
            void reload(true).then(() => onChange(created.id));
          }}
        />
      </Dialog>
    </div>
  );
}
