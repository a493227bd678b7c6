import type { EngineServices } from '../engine/nodes/node-definition.js';
import { FlowValidationError } from '../engine/errors.js';
import type { CredentialCipher } from '../security/credential-cipher.js';
import type { Repositories } from '../storage/repositories.js';

/** The engine's view of the outside world, backed by the repositories and the credential cipher. */
export function createEngineServices(repos: Repositories, cipher: CredentialCipher, llmMaxRetries: number): EngineServices {
  return {
    loadHistory: (chatflowId, sessionId) => repos.messages.history(chatflowId, sessionId),
    async loadCredential(credentialId, acceptedNames, nodeId) {
      const record = await repos.credentials.get(credentialId);
      if (!record) throw new FlowValidationError(`Node ${nodeId}: credential ${credentialId} not found`, nodeId);
      if (!acceptedNames.includes(record.credentialName)) {
        throw new FlowValidationError(
          `Node ${nodeId}: credential ${credentialId} is a ${record.credentialName} credential; this node needs ${acceptedNames.join(' or ')}`,
          nodeId,
        );
      }
      return cipher.decrypt(record.encryptedData, credentialId);
    },
    llm: { maxRetries: llmMaxRetries },
  };
}
