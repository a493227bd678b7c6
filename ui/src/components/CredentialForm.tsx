import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import { ErrorText } from './ListParts';
import { loadCredentialSchemas } from '../api/catalogue';
import type { Credential } from '../api/types';
import type { CredentialSchema } from '../flow/types';

/**
 * Adds or edits a credential from its type's schema. Editing shows secrets masked as the server sends
 * them; a masked value sent back unchanged keeps the stored secret.
 */
export function CredentialForm({ types, existing, onSaved }: { types?: string[]; existing?: Credential; onSaved: (credential: Credential) => void }) {
  const [schemas, setSchemas] = useState<CredentialSchema[]>([]);
  const [typeName, setTypeName] = useState(existing?.credentialName ?? types?.[0] ?? '');
  const [name, setName] = useState(existing?.name ?? '');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [error, setError] = useState('');

  useEffect(() => {
    void loadCredentialSchemas().then((all) => {
      const usable = types ? all.filter((s) => types.includes(s.name)) : all;
      setSchemas(usable);
      setTypeName((current) => current || usable[0]?.name || '');
    });
    if (existing) void api<Credential>('GET', `/credentials/${existing.id}`).then((full) => setValues(full.plainDataObj ?? {}));
  }, [existing, types]);

  const schema = schemas.find((s) => s.name === typeName);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError('');
    try {
      const body = { name, credentialName: typeName, plainDataObj: values };
      const saved = existing ? await api<Credential>('PUT', `/credentials/${existing.id}`, body) : await api<Credential>('POST', '/credentials', body);
      onSaved(saved);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <form className="form" onSubmit={submit}>
      <label>
        Credential type
        <select value={typeName} onChange={(e) => setTypeName(e.target.value)} disabled={existing !== undefined}>
          {schemas.map((s) => (
            <option key={s.name} value={s.name}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {schema?.description && <p className="hint">{schema.description}</p>}
      <label>
        Credential name
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      {schema?.inputs.map((field) => (
        <label key={field.name}>
          {field.label}
          <input
            type={field.type === 'password' ? 'password' : field.type === 'number' ? 'number' : 'text'}
            value={String(values[field.name] ?? '')}
            placeholder={field.placeholder}
            required={!field.optional}
            autoComplete="off"
            onChange={(e) => setValues({ ...values, [field.name]: e.target.value })}
          />
        </label>
      ))}
      <ErrorText error={error} />
      <button className="primary" type="submit">
        {existing ? 'Save credential' : 'Add credential'}
      </button>
    </form>
  );
}
