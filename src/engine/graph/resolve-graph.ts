import { FlowValidationError } from '../errors.js';
import { asBoolean } from '../nodes/input-values.js';
import type { NodeRegistry } from '../nodes/node-registry.js';
import type { FlowData } from './flow-definition.js';
import { buildFlowGraph, buildOrder, checkInputs, topologicalOrder } from './flow-graph.js';
import { type FlowPlan, type PlanNode, describeNode } from './flow-plan.js';

const ENDING_CATEGORIES = new Set(['Chains', 'Agents', 'Engine', 'Multi Agents', 'Sequential Agents']);
const NON_STREAMING_CHAINS = new Set(['openApiChain', 'vectaraQAChain']);
/** Agents Flowise streams (its whitelist; conversationalAgent and reactAgentChat answer in one piece). */
const STREAMING_AGENTS = new Set(['toolAgent', 'csvAgent', 'airtableAgent', 'conversationalRetrievalToolAgent', 'openAIToolAgentLlamaIndex']);

function findEndingNode(nodes: Map<string, PlanNode>, downstream: Map<string, Set<string>>, upstream: Map<string, Set<string>>): PlanNode {
  const all = [...nodes.values()];
  const candidates =
    all.length === 1 ? all : all.filter((n) => (upstream.get(n.id)?.size ?? 0) > 0 && (downstream.get(n.id)?.size ?? 0) === 0);
  if (candidates.length === 0) throw new FlowValidationError('Ending nodes not found');
  const ending = candidates.filter((n) => ENDING_CATEGORIES.has(n.category) && n.definition.run);
  if (ending.length === 0) {
    throw new FlowValidationError(
      `Ending node must be either a Chain or Agent or Engine (found ${candidates.map(describeNode).join(', ')})`,
      candidates[0]?.id,
    );
  }
  if (ending.length > 1) {
    throw new FlowValidationError(
      `Flow has several ending nodes (${ending.map((n) => n.id).join(', ')}); connect them so exactly one chain ends the flow`,
      ending[0]?.id,
    );
  }
  const node = ending[0]!;
  if (node.name === 'llmChain' && node.outputs.output === 'outputPrediction') {
    throw new FlowValidationError(
      `${describeNode(node)}: Output of LLM Chain must be LLM Chain, can't be an Output Prediction`,
      node.id,
    );
  }
  return node;
}

/** §2.6 rules 3–5: the part of the streaming decision that depends only on the graph. */
function isStreamCapable(nodes: Iterable<PlanNode>, ending: PlanNode): boolean {
  let anyStreaming = false;
  for (const node of nodes) {
    if (node.category.includes('Output Parser')) return false;
    if (node.category !== 'Chat Models' && node.category !== 'LLMs') continue;
    if ('streaming' in node.inputs) {
      const streaming = asBoolean(node.inputs.streaming);
      if (streaming === false) return false;
      if (streaming === true) anyStreaming = true;
    } else if (node.definition.streamCapable) {
      anyStreaming = true;
    }
  }
  if (!anyStreaming) return false;
  if (ending.category === 'Chains') return !NON_STREAMING_CHAINS.has(ending.name);
  return ending.category === 'Agents' && STREAMING_AGENTS.has(ending.name);
}

/**
 * Flowise's `checkIfDocLoaderShouldBeIgnored`: at prediction time a document loader feeding a vector
 * store that keeps its index (every store but memoryVectorStore) is not built: the store reads what an
 * upsert indexed. Nodes feeding only such loaders are not built either.
 */
function isSkippedLoader(id: string, nodes: ReadonlyMap<string, PlanNode>, downstream: ReadonlyMap<string, Set<string>>): boolean {
  const node = nodes.get(id);
  if (node?.category !== 'Document Loaders') return false;
  return [...(downstream.get(id) ?? [])].some((target) => {
    const store = nodes.get(target);
    return store?.category === 'Vector Stores' && store.name !== 'memoryVectorStore';
  });
}

/** Validates a chatflow graph and orders its build (flowise-nodes.md §2.1, §4). */
export function resolveGraph(flow: FlowData, registry: NodeRegistry): FlowPlan {
  const { nodes, upstream, downstream, edgeSources } = buildFlowGraph(flow, registry);
  topologicalOrder(new Set(nodes.keys()), upstream);
  const endingNode = findEndingNode(nodes, downstream, upstream);
  const order = buildOrder(endingNode, upstream, nodes, (id) => isSkippedLoader(id, nodes, downstream));
  for (const node of order) checkInputs(node, nodes);
  const memoryNode = [...nodes.values()].find((n) => n.category === 'Memory' && edgeSources.has(n.id));

  return {
    buildOrder: order,
    endingNode,
    ...(memoryNode ? { memoryNode } : {}),
    streamCapable: isStreamCapable(nodes.values(), endingNode),
    allNodes: nodes,
  };
}
