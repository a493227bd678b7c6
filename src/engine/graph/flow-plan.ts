import type { NodeDefinition } from '../nodes/node-definition.js';

/** A node the engine will build, with its stored inputs (before overrides and `{{…}}` resolution). */
export interface PlanNode {
  id: string;
  name: string;
  label: string;
  category: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  credentialId?: string;
  definition: NodeDefinition;
}

/** A validated chatflow, ready to run any number of times (cached per chatflow version). */
export interface FlowPlan {
  /** Ancestors of the ending node and the ending node itself, in build order. */
  buildOrder: PlanNode[];
  endingNode: PlanNode;
  /** The first Memory node that feeds an edge (its label is the run's `memoryType`). */
  memoryNode?: PlanNode;
  /** The static half of the streaming rule (§2.6 rules 3–5); the request and chatbotConfig decide the rest. */
  streamCapable: boolean;
  /** All nodes by id, including the unbuilt ones (overrideConfig targets nodes by label and id). */
  allNodes: ReadonlyMap<string, PlanNode>;
}

/** How errors name a node: `Node llmChain_0 (llmChain)`. */
export const describeNode = (node: { id: string; name: string }) => `Node ${node.id} (${node.name})`;
