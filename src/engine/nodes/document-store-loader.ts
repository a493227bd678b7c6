import { FlowValidationError } from '../errors.js';
import { asString } from './input-values.js';
import type { BuildContext, DocumentStorePort, InputSpec, NodeDefinition } from './node-definition.js';

/** The store picker both document store nodes share (Flowise lists the stores through `listStores`). */
export const SELECTED_STORE_INPUT: InputSpec = {
  name: 'selectedStore',
  kind: 'param',
  type: 'asyncOptions',
  label: 'Select Store',
  loadMethod: 'listStores',
  description: 'A document store filled through the document store API',
};

export function documentStoresOf(ctx: BuildContext): DocumentStorePort {
  const port = ctx.run.services.documentStores;
  if (!port) throw new FlowValidationError(`Node ${ctx.nodeId}: document stores cannot be read in this process`, ctx.nodeId);
  return port;
}

export function selectedStoreOf(ctx: BuildContext): string {
  const storeId = asString(ctx.inputs.selectedStore);
  if (!storeId) throw new FlowValidationError(`Node ${ctx.nodeId} (${ctx.label}): select a document store (selectedStore)`, ctx.nodeId);
  return storeId;
}

/**
 * Flowise's `documentStore` loader: the chunks a document store holds, as documents (the `document`
 * output) or their texts joined, each followed by a newline (`text`). The store is filled once and read
 * by any number of chatflows. Without a selected store: no documents (as in Flowise).
 */
export const documentStoreLoader: NodeDefinition = {
  name: 'documentStore',
  label: 'Document Store',
  version: 1,
  type: 'Document',
  description: 'Reads the chunks of a document store, so one store serves many chatflows.',
  icon: 'document-store',
  category: 'Document Loaders',
  baseClasses: ['Document'],
  // Optional here: Flowise's templates ship it unconfigured (its "Conversational Retrieval QA Chain" since
  // July 2024), and Flowise reads no store as no documents.
  inputs: [{ ...SELECTED_STORE_INPUT, optional: true }],
  outputs: [
    { label: 'Document', name: 'document', baseClasses: ['Document', 'json'], description: 'The chunks, each with pageContent and metadata' },
    { label: 'Text', name: 'text', baseClasses: ['string', 'json'], description: 'The chunks\u2019 texts joined, one per line' },
  ],
  async build(ctx) {
    const docs = asString(ctx.inputs.selectedStore) ? await documentStoresOf(ctx).documents(selectedStoreOf(ctx)) : [];
    if (ctx.outputs.output === 'text') return docs.map((doc) => `${doc.pageContent}\n`).join('');
    return docs;
  },
};
