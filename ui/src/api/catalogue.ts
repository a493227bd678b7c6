import type { CatalogueNode, CredentialSchema } from '../flow/types';
import { api } from './client';

let nodes: Promise<CatalogueNode[]> | undefined;
let credentialSchemas: Promise<CredentialSchema[]> | undefined;

/** The node catalogue, fetched once per page load (it changes only with a server upgrade). */
export function loadCatalogue(options: { noReauth?: boolean } = {}): Promise<CatalogueNode[]> {
  nodes ??= api<CatalogueNode[]>('GET', '/nodes', undefined, options).catch((error: unknown) => {
    nodes = undefined;
    throw error;
  });
  return nodes;
}

export function loadCredentialSchemas(): Promise<CredentialSchema[]> {
  credentialSchemas ??= api<CredentialSchema[]>('GET', '/components-credentials').catch((error: unknown) => {
    credentialSchemas = undefined;
    throw error;
  });
  return credentialSchemas;
}

export const nodeIconUrl = (name: string) => `/api/v1/node-icon/${encodeURIComponent(name)}`;
