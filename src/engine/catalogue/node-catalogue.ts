import type { CredentialField, CredentialType } from '../nodes/credential-types.js';
import type { ArrayItemField, DatagridColumn, InputSpec, NodeDefinition, ParamOption } from '../nodes/node-definition.js';
import { STICKY_NOTE } from './sticky-note.js';

/**
 * The node catalogue in Flowise's wire shape: what `GET /api/v1/nodes` serves and the editor's `initNode`
 * turns into a canvas node (Flowise `packages/components/src/Interface.ts`, `INode`/`INodeParams`).
 * Built from each node's `NodeDefinition`, so the editor and the engine read one source.
 */

/** One input as Flowise serves it (`INodeParams`): an anchor when `type` is a class name, else a param. */
export interface CatalogueInput {
  label: string;
  name: string;
  type: string;
  default?: string | number | boolean;
  description?: string;
  placeholder?: string;
  optional?: boolean;
  additionalParams?: boolean;
  options?: ParamOption[];
  rows?: number;
  step?: number;
  list?: boolean;
  acceptVariable?: boolean;
  hidden?: boolean;
  credentialNames?: string[];
  /** `asyncOptions`: what `POST /api/v1/node-load-method/:name` is asked for. */
  loadMethod?: string;
  /** `file`: the extensions the picker offers (`.pdf`, `.txt, .md`). */
  fileType?: string;
  /** `datagrid`: the grid's columns. */
  datagrid?: DatagridColumn[];
  /** `array`: the fields of one item. */
  array?: ArrayItemField[];
}

/** One alternative output (`INodeOutputsValue`). */
export interface CatalogueOutput {
  label: string;
  name: string;
  baseClasses: string[];
  description?: string;
}

/** A node definition as `GET /api/v1/nodes` returns it (`INode`). */
export interface CatalogueNode {
  label: string;
  name: string;
  version: number;
  type: string;
  /** Icon file name; the editor loads `/api/v1/node-icon/<name>`. */
  icon: string;
  category: string;
  description: string;
  baseClasses: string[];
  /** The credential param the editor shows first (`type: "credential"`), for nodes that take one. */
  credential?: CatalogueInput;
  inputs: CatalogueInput[];
  /** Only multi-output nodes (llmChain). */
  outputs?: CatalogueOutput[];
}

/** A credential type as `GET /api/v1/components-credentials` returns it (`INodeCredential`). */
export interface CatalogueCredential {
  label: string;
  name: string;
  description?: string;
  inputs: CredentialField[];
}

/** Copies only the fields that are set, so the JSON carries no `undefined` keys. */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

const INPUT_FIELDS = [
  'label',
  'name',
  'type',
  'default',
  'description',
  'placeholder',
  'optional',
  'additionalParams',
  'options',
  'rows',
  'step',
  'list',
  'acceptVariable',
  'hidden',
  'loadMethod',
  'fileType',
  'datagrid',
  'array',
] as const satisfies ReadonlyArray<keyof InputSpec & keyof CatalogueInput>;

export function catalogueInput(spec: InputSpec): CatalogueInput {
  const input = pick(spec, INPUT_FIELDS) as CatalogueInput;
  if (input.options) input.options = input.options.map((option) => ({ ...option }));
  if (input.datagrid) input.datagrid = input.datagrid.map((column) => ({ ...column, ...(column.valueOptions ? { valueOptions: [...column.valueOptions] } : {}) }));
  if (input.array) input.array = input.array.map((field) => ({ ...field, ...(field.options ? { options: field.options.map((o) => ({ ...o })) } : {}) }));
  return input;
}

export function catalogueNode(definition: NodeDefinition): CatalogueNode {
  const node: CatalogueNode = {
    label: definition.label,
    name: definition.name,
    version: definition.version,
    type: definition.type,
    icon: `${definition.icon ?? definition.name}.svg`,
    category: definition.category,
    description: definition.description,
    baseClasses: [...definition.baseClasses],
    inputs: definition.inputs.map(catalogueInput),
  };
  if (definition.credential) {
    node.credential = {
      label: 'Connect Credential',
      name: 'credential',
      type: 'credential',
      credentialNames: [...definition.credential.names],
      ...(definition.credential.optional ? { optional: true } : {}),
    };
  }
  if (definition.outputs) {
    node.outputs = definition.outputs.map((output) => ({ ...output, baseClasses: [...output.baseClasses] }));
  }
  return node;
}

export function catalogueCredential(type: CredentialType): CatalogueCredential {
  return {
    label: type.label,
    name: type.name,
    ...(type.description ? { description: type.description } : {}),
    inputs: type.inputs.map((field) => ({ ...field })),
  };
}

/** Every node the engine runs, plus the editor-only sticky note, in registry order. */
export function buildCatalogue(definitions: Iterable<NodeDefinition>): CatalogueNode[] {
  return [...[...definitions].map(catalogueNode), STICKY_NOTE];
}
