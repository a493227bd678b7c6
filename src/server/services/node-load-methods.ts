import type { NodeDefinition } from '../../engine/nodes/node-definition.js';
import type { DocumentStoreStatus } from '../../storage/repositories/document-store-repository.js';
import type { Repositories } from '../../storage/repositories.js';

/** One choice of an `asyncOptions` param, as Flowise's `INodeOptionsValue`: `name` is the stored value. */
export interface LoadMethodOption {
  label: string;
  name: string;
  description?: string;
}

/** What a load method may read: the node it serves and the request's inputs (Flowise passes the node data). */
export interface LoadMethodRequest {
  node: NodeDefinition;
  inputs: Record<string, unknown>;
}

type LoadMethod = (repos: Repositories, request: LoadMethodRequest) => Promise<LoadMethodOption[]>;

/**
 * Stores each document store node can use. The loader needs processed chunks; the vector node needs
 * vectors. (Flowise's loader lists only `SYNC` stores, so an upserted store vanished from its list; ours
 * keeps every store whose chunks are all processed.)
 */
const STORE_STATUSES: Record<string, readonly DocumentStoreStatus[]> = {
  documentStore: ['SYNC', 'UPSERTING', 'UPSERTED'],
  documentStoreVS: ['UPSERTED'],
};

/**
 * The load methods of the registered nodes (Flowise's `loadMethods`), by Flowise's method name. They live
 * in the server, not in the engine, because they read the database.
 */
const LOAD_METHODS: Readonly<Record<string, LoadMethod>> = {
  /** customTool's `selectedTool`: every saved tool (Flowise: label = name, name = id). */
  async listTools(repos) {
    const { data } = await repos.tools.list();
    return data.map((tool) => ({ label: tool.name, name: tool.id, description: tool.description }));
  },
  /** documentStore / documentStoreVS `selectedStore`: stores in a state the node can read. */
  async listStores(repos, { node }) {
    const statuses = STORE_STATUSES[node.name] ?? STORE_STATUSES.documentStore!;
    const { stores } = await repos.documentStores.list();
    return stores
      .filter((store) => statuses.includes(store.status))
      .map((store) => ({ label: store.name, name: store.id, ...(store.description ? { description: store.description } : {}) }));
  },
};

/** The load methods a node declares on its `asyncOptions` inputs. */
export function declaredLoadMethods(node: NodeDefinition): string[] {
  return [...new Set(node.inputs.flatMap((input) => (input.loadMethod ? [input.loadMethod] : [])))];
}

/** The implementation of a load method, or undefined when the server has none by that name. */
export function loadMethodNamed(name: string): LoadMethod | undefined {
  return Object.prototype.hasOwnProperty.call(LOAD_METHODS, name) ? LOAD_METHODS[name] : undefined;
}
