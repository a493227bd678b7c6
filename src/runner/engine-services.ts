import type { RuntimeVariablesConfig } from '../config/app-config.js';
import type { EngineServices, ServiceEndpoints, VariableSource } from '../engine/nodes/node-definition.js';
import { FlowValidationError } from '../engine/errors.js';
import { InstanceCache } from '../engine/run/instance-cache.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { Repositories } from '../storage/repositories.js';
import type { CredentialRecord } from '../storage/repositories/credential-repository.js';
import { DatabaseFileStore } from './database-file-store.js';
import { DatabaseDocumentStores } from './docstore/database-document-stores.js';
import { createNodeRegistry } from '../engine/nodes/node-registry.js';

/**
 * How long a decrypted credential is reused. A run would otherwise read and decrypt it every time; a
 * changed or deleted credential takes effect within this time.
 */
const CREDENTIAL_TTL_MS = 2000;

/**
 * `$vars` from the variables table: a static variable's value, or for a runtime one the environment
 * variable of its name, but only if RUNTIME_VARIABLES_ALLOW_LIST lists it (otherwise, and when unset, '',
 * as Flowise gives for an unset one). Read on every run that uses variables, so changes apply at once.
 */
export function variableSource(repos: Repositories, runtime: RuntimeVariablesConfig): VariableSource {
  const allowed = new Set(runtime.allowList);
  return {
    async load() {
      const values: Record<string, string> = {};
      for (const variable of await repos.variables.all()) {
        values[variable.name] =
          variable.type === 'runtime' ? (allowed.has(variable.name) ? (runtime.values[variable.name] ?? '') : '') : (variable.value ?? '');
      }
      return values;
    },
  };
}

/**
 * A node's credential must exist and be of a type the node accepts (FlowValidationError naming the node
 * otherwise). `storedType` is the stored credential's `credentialName`, undefined when there is none.
 * Shared by the run (which decrypts) and the server's check before a prediction starts (which does not).
 */
export function checkCredentialType(
  use: { nodeId: string; credentialId: string; acceptedNames: readonly string[] },
  storedType: string | undefined,
): void {
  const { nodeId, credentialId, acceptedNames } = use;
  if (storedType === undefined) throw new FlowValidationError(`Node ${nodeId}: credential ${credentialId} not found`, nodeId);
  if (!acceptedNames.includes(storedType)) {
    throw new FlowValidationError(
      `Node ${nodeId}: credential ${credentialId} is a ${storedType} credential; this node needs ${acceptedNames.join(' or ')}`,
      nodeId,
    );
  }
}

/** Services built elsewhere (they own processes or connections) and handed to the engine as they are. */
export type ComposedServices = Pick<EngineServices, 'outbound' | 'sandbox' | 'variables'>;

/** The engine's view of the outside world, backed by the repositories and the credential cipher. */
export function createEngineServices(
  repos: Repositories,
  cipher: CredentialCipher,
  llmMaxRetries: number,
  endpoints?: ServiceEndpoints,
  composed: ComposedServices = {},
): EngineServices {
  const credentials = new Map<string, { record: CredentialRecord; data: Record<string, unknown>; expires: number }>();
  const loadDecrypted = async (credentialId: string) => {
    const now = Date.now();
    const held = credentials.get(credentialId);
    if (held && held.expires > now) return held;
    credentials.delete(credentialId);
    const record = await repos.credentials.get(credentialId);
    if (!record) return undefined;
    const entry = { record, data: cipher.decrypt(record.encryptedData, credentialId), expires: now + CREDENTIAL_TTL_MS };
    if (credentials.size > 1000) credentials.clear();
    credentials.set(credentialId, entry);
    return entry;
  };
  return {
    loadHistory: (chatflowId, sessionId) => repos.messages.history(chatflowId, sessionId),
    async loadCredential(credentialId, acceptedNames, nodeId) {
      const loaded = await loadDecrypted(credentialId);
      checkCredentialType({ nodeId, credentialId, acceptedNames }, loaded?.record.credentialName);
      return loaded!.data;
    },
    llm: { maxRetries: llmMaxRetries },
    instances: new InstanceCache(),
    ...(endpoints ? { endpoints } : {}),
    summaries: repos.summaries,
    customTools: { get: (id) => repos.tools.get(id) },
    vectors: repos.vectors,
    embeddingCache: repos.embeddingCache,
    files: new DatabaseFileStore(repos.uploads),
    ...composed,
    documentStores: new DatabaseDocumentStores(repos.documentStores, createNodeRegistry()),
  };
}
