import { type FileInput, parseFileInput } from '../files/file-store.js';
import type { PlanNode } from '../graph/flow-plan.js';
import type { UpsertPlan } from '../graph/upsert-plan.js';
import type { RunContext, UpsertOutcome } from '../nodes/node-definition.js';
import { FlowBuilder, type FlowInput } from './flow-builder.js';

/** One node of Flowise's upsert history `flowData`: its params as they were used. */
export interface UpsertFlowEntry {
  label: string;
  name: string;
  category: string;
  id: string;
  paramValues: Array<{ label: string; name: string; type: string; value: unknown }>;
}

export interface UpsertExecution {
  result: UpsertOutcome;
  flowData: UpsertFlowEntry[];
}

function fileNames(value: unknown, nodeId: string): string {
  let parsed: FileInput;
  try {
    parsed = parseFileInput(value, nodeId);
  } catch {
    return '';
  }
  return [...parsed.inline.map((f) => f.name), ...parsed.stored].join(', ');
}

/**
 * Flowise's `saveUpsertFlowData`: every param with a value, except `{{…}}` references; file inputs
 * are reduced to their file names (never the file content).
 */
function historyEntry(node: PlanNode, inputs: Record<string, unknown>): UpsertFlowEntry {
  const paramValues: UpsertFlowEntry['paramValues'] = [];
  for (const spec of node.definition.inputs) {
    const value = inputs[spec.name];
    if (spec.kind !== 'param' || value === undefined || value === null || value === '' || value === false) continue;
    if (typeof value === 'string' && value.startsWith('{{') && value.endsWith('}}')) continue;
    const shown = spec.type === 'file' ? fileNames(value, node.id) : value;
    paramValues.push({ label: spec.label, name: spec.name, type: spec.type, value: shown });
  }
  return { label: node.label, name: node.name, category: node.category, id: node.id, paramValues };
}

/**
 * Builds the chosen vector store's ancestors (overrides applied, `{{…}}` resolved) and calls the
 * store's upsert instead of building it (Flowise's `buildFlow` with `isUpsert` and `stopNodeId`).
 */
export async function executeUpsert(plan: UpsertPlan, input: FlowInput, ctx: RunContext): Promise<UpsertExecution> {
  const builder = new FlowBuilder(plan, input, ctx);
  const flowData: UpsertFlowEntry[] = [];
  for (const node of plan.buildOrder) {
    flowData.push(historyEntry(node, builder.inputsOf(node)));
    if (node === plan.stopNode) break;
    if (!builder.instances.has(node.id)) await builder.build(node);
  }
  ctx.signal.throwIfAborted();
  const stop = plan.stopNode;
  const buildCtx = await builder.contextFor(stop);
  const result = await builder.guarded(stop, () => stop.definition.upsert!(buildCtx));
  return { result, flowData };
}
