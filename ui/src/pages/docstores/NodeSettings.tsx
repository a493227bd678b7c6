import { useState } from 'react';
import { credentialsChanged } from '../../api/credentials';
import { CredentialPicker } from '../../canvas/CredentialPicker';
import { ParamInput } from '../../canvas/ParamInput';
import { CredentialForm } from '../../components/CredentialForm';
import { Dialog } from '../../components/Dialog';
import { isParamType } from '../../flow/init-node';
import type { CatalogueNode } from '../../flow/types';

/** A chosen node (`data.name`), its param values (`inputs`) and its credential id. */
export interface NodeChoice {
  name: string;
  inputs: Record<string, unknown>;
  credential: string;
}

export const emptyChoice = (name = ''): NodeChoice => ({ name, inputs: {}, credential: '' });

/** The node's defaults, as the canvas fills a new node's inputs. */
export function choiceFor(def: CatalogueNode | undefined, previous?: { name: string; config: Record<string, unknown> } | null): NodeChoice {
  if (!def) return emptyChoice();
  const inputs: Record<string, unknown> = {};
  for (const input of def.inputs) if (isParamType(input.type) && input.default !== undefined) inputs[input.name] = input.default;
  if (previous?.name === def.name) {
    const { credential, ...config } = previous.config;
    return { name: def.name, inputs: { ...inputs, ...config }, credential: typeof credential === 'string' ? credential : '' };
  }
  return { name: def.name, inputs, credential: '' };
}

/** The choice as a document store config: inputs with the credential id under `credential`. */
export const configOf = (choice: NodeChoice) => ({ ...choice.inputs, ...(choice.credential ? { credential: choice.credential } : {}) });

/**
 * Picks one node of a catalogue category and fills its params with the canvas's own param editors
 * (file upload, options, JSON, async options…) and credential picker; optional params fold away.
 */
export function NodeSettings({ label, nodes, value, optional, onChange }: { label: string; nodes: CatalogueNode[]; value: NodeChoice; optional?: boolean; onChange: (choice: NodeChoice) => void }) {
  const [creating, setCreating] = useState(false);
  const def = nodes.find((n) => n.name === value.name);
  const params = def ? def.inputs.filter((p) => isParamType(p.type) && !p.hidden) : [];
  const main = params.filter((p) => !p.additionalParams);
  const extra = params.filter((p) => p.additionalParams);
  const set = (name: string, input: unknown) => onChange({ ...value, inputs: { ...value.inputs, [name]: input } });
  const field = (p: (typeof params)[number]) => (
    <div className="param-row" key={p.name}>
      <ParamInput param={p} value={value.inputs[p.name]} node={{ name: value.name, inputs: value.inputs }} onChange={(v) => set(p.name, v)} />
    </div>
  );
  return (
    <fieldset className="node-settings">
      <legend>{label}</legend>
      <label className="param">
        <span className={optional ? undefined : 'required'}>{label}</span>
        <select value={value.name} onChange={(e) => onChange(choiceFor(nodes.find((n) => n.name === e.target.value)))}>
          <option value="">{optional ? 'None' : 'Choose…'}</option>
          {nodes.map((n) => (
            <option key={n.name} value={n.name} title={n.description}>
              {n.label}
            </option>
          ))}
        </select>
      </label>
      {def?.description && <p className="hint">{def.description}</p>}
      {def?.credential && (
        <CredentialPicker
          names={def.credential.credentialNames ?? []}
          optional={def.credential.optional}
          value={value.credential}
          onChange={(credential) => onChange({ ...value, credential })}
          onCreate={() => setCreating(true)}
        />
      )}
      {main.map(field)}
      {extra.length > 0 && (
        <details>
          <summary>Additional parameters</summary>
          {extra.map(field)}
        </details>
      )}
      <Dialog title="Create credential" open={creating} onClose={() => setCreating(false)}>
        <CredentialForm
          types={def?.credential?.credentialNames ?? []}
          onSaved={(credential) => {
            setCreating(false);
            credentialsChanged();
            onChange({ ...value, credential: credential.id });
          }}
        />
      </Dialog>
    </fieldset>
  );
}

/** Catalogue nodes of one category (Flowise's `GET /components/loaders|embeddings|vectorstore`). */
export const inCategory = (catalogue: CatalogueNode[], category: string, except: string[] = []) =>
  catalogue.filter((n) => n.category === category && !except.includes(n.name)).sort((a, b) => a.label.localeCompare(b.label));
