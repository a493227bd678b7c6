import { randomUUID } from 'node:crypto';
import { isAppError } from '../../shared/app-error.js';
import { FlowValidationError } from '../errors.js';
import type { EngineServices, NodeDefinition, RunContext } from '../nodes/node-definition.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import { withProviderErrors } from '../vectors/provider-errors.js';
import { abortReason } from './call-model.js';

/**
 * A run context for work outside a chatflow (document stores load, split and embed with the same node
 * definitions as flows). `ownerId` stands in for the chatflow id: stored files (`FILE-STORAGE::`) are
 * read from that owner's uploads, as Flowise reads a store's files from the store's folder.
 */
export function standaloneContext(ownerId: string, services: EngineServices, signal: AbortSignal): RunContext {
  const id = randomUUID();
  return {
    runId: id,
    chatflowId: ownerId,
    chatId: id,
    sessionId: id,
    apiMessageId: id,
    question: '',
    requestHistory: [],
    streaming: false,
    signal,
    sink: { emit: () => undefined },
    services,
  };
}

/** The definition of `name`, or a 400 naming it and what it was meant to be. */
export function requireDefinition(registry: NodeRegistry, name: string | undefined, what: string): NodeDefinition {
  const definition = name ? registry.get(name) : undefined;
  if (!definition) throw new FlowValidationError(`${what} "${name ?? ''}" is not a node aimicromind runs`);
  return definition;
}

export interface StandaloneNode {
  definition: NodeDefinition;
  /** Inputs as a node's `data.inputs` would hold them (instances already in place of references). */
  inputs: Record<string, unknown>;
  /** A stored credential's id (Flowise keeps it in the config as `credential` or `FLOWISE_CREDENTIAL_ID`). */
  credentialId?: string;
  outputs?: Record<string, unknown>;
}

/**
 * Builds one node with the given inputs, loading its credential as a flow would. Errors name the node
 * (`<name>_0`, Flowise's id for such nodes); an aborted signal ends it with the abort's reason.
 */
export async function buildStandaloneNode(node: StandaloneNode, run: RunContext): Promise<unknown> {
  const { definition } = node;
  const nodeId = `${definition.name}_0`;
  const credentialId = node.credentialId ?? stringInput(node.inputs.credential) ?? stringInput(node.inputs.FLOWISE_CREDENTIAL_ID);
  const credential =
    credentialId && definition.credential ? await run.services.loadCredential(credentialId, definition.credential.names, nodeId) : {};
  try {
    const instance = await definition.build({ nodeId, label: definition.label, inputs: node.inputs, credential, outputs: node.outputs ?? {}, run });
    return definition.category === 'Embeddings' ? withProviderErrors(instance, `Node ${nodeId} (${definition.name})`) : instance;
  } catch (error) {
    if (run.signal.aborted) throw abortReason(run.signal);
    if (isAppError(error)) throw error;
    throw new FlowValidationError(`Node ${nodeId} (${definition.name}): ${(error as Error).message}`, nodeId);
  }
}

const stringInput = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
