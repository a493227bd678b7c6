import type { FlowPlan } from '../../engine/graph/flow-plan.js';
import { asString } from '../../engine/nodes/input-values.js';
import { checkCredentialType } from '../../runner/engine-services.js';
import type { CredentialRepository } from '../../storage/repositories/credential-repository.js';

/** How long a plan whose credentials all exist is trusted without looking again (as long as a run reuses a decrypted one). */
const TRUSTED_FOR_MS = 2000;

/**
 * Checks, before a prediction starts, that every credential the plan's nodes will load exists and is of
 * a type the node accepts, without decrypting anything. A flow failing that check then answers 400
 * naming the node in streaming mode too, instead of opening a stream only to send an `error` event. A
 * plan that passed is trusted for two seconds (plans are cached per chatflow version, so one lookup
 * serves a hot chatflow's predictions); a credential deleted meanwhile still fails the run itself.
 */
export class CredentialPreflight {
  private readonly passed = new WeakMap<FlowPlan, number>();

  constructor(private readonly credentials: CredentialRepository) {}

  async check(plan: FlowPlan): Promise<void> {
    const at = this.passed.get(plan);
    if (at !== undefined && Date.now() - at < TRUSTED_FOR_MS) return;
    const uses = plan.buildOrder.flatMap((node) => {
      // The id the run loads: a `credentialId` input (chatOpenAI's alternative) or data.credential.
      const credentialId = asString(node.inputs.credentialId) ?? node.credentialId;
      const accepted = node.definition.credential?.names;
      return credentialId && accepted ? [{ nodeId: node.id, credentialId, acceptedNames: accepted }] : [];
    });
    if (uses.length > 0) {
      const types = await this.credentials.typesOf([...new Set(uses.map((use) => use.credentialId))]);
      for (const use of uses) checkCredentialType(use, types.get(use.credentialId));
    }
    this.passed.set(plan, Date.now());
  }
}
