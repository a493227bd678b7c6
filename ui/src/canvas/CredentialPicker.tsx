import { useCallback, useEffect, useState } from 'react';
import { fetchCredentials, useCredentialChanges } from '../api/credentials';
import type { Credential } from '../api/types';

/**
 * The node's credential: stored credentials of the accepted types, and "Create New" (a dialog the
 * canvas opens). The list is fetched when the picker mounts, when it is opened and after any credential
 * change; a value no stored credential has any more shows as "Credential missing".
 */
export function CredentialPicker({ names, value, optional, onChange, onCreate }: { names: string[]; value: string; optional?: boolean | undefined; onChange: (id: string) => void; onCreate: () => void }) {
  const [list, setList] = useState<Credential[]>();
  const version = useCredentialChanges((s) => s.version);
  const query = names.map((n) => `credentialName=${encodeURIComponent(n)}`).join('&');
  const reload = useCallback(() => {
    fetchCredentials(query).then(setList, () => undefined);
  }, [query]);
  useEffect(reload, [reload, version]);
  const missing = value !== '' && list !== undefined && !list.some((c) => c.id === value);

  return (
    <div className="param param-row">
      <label>
        <span className={optional ? undefined : 'required'}>Connect Credential</span>
        <select
          className="nodrag"
          value={value}
          aria-invalid={missing}
          onFocus={reload}
          onMouseDown={reload}
          onChange={(e) => {
            if (e.target.value === '__new__') onCreate();
            else onChange(e.target.value);
          }}
        >
          <option value="">Choose a credential</option>
          {missing && <option value={value}>Credential missing</option>}
          {list?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
          <option value="__new__">- Create New -</option>
        </select>
      </label>
      {missing && <span className="field-error">Credential missing: it was deleted. Choose another or create one.</span>}
    </div>
  );
}
