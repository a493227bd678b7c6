import type { FlowPlan } from '../engine/graph/flow-plan.js';
import { compileFlow } from '../engine/graph/compile-flow.js';
import type { NodeRegistry } from '../engine/nodes/node-registry.js';

interface Entry {
  flowData: string;
  plan?: FlowPlan;
  error?: unknown;
}

/**
 * Compiled plans by chatflow id. A plan is reused while the stored flowData is unchanged, so a hot
 * chatflow is parsed and validated once, not on every prediction. Invalid flows are cached too.
 */
export class PlanCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly registry: NodeRegistry,
    private readonly maxEntries = 1000,
  ) {}

  get(chatflowId: string, flowData: string): FlowPlan {
    let entry = this.entries.get(chatflowId);
    if (!entry || entry.flowData !== flowData) {
      entry = { flowData };
      try {
        entry.plan = compileFlow(flowData, this.registry);
      } catch (error) {
        entry.error = error;
      }
      this.entries.delete(chatflowId);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(chatflowId, entry);
    }
    if (entry.error !== undefined) throw entry.error;
    return entry.plan!;
  }
}
