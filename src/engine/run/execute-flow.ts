import { LlmCallError, attributeToNode } from '../errors.js';
import type { FlowResult } from '../events/run-event.js';
import type { FlowPlan, PlanNode } from '../graph/flow-plan.js';
import type { RunContext } from '../nodes/node-definition.js';
import { FlowBuilder, type FlowInput } from './flow-builder.js';
import { referencedNodeIds } from './variables.js';

export type { FlowInput } from './flow-builder.js';

/** Flowise's `<uploaded files content>\n\n<question>` for the ending node; the question alone otherwise. */
export function questionWithAttachments(question: string, fileAttachment: string | undefined): string {
  return fileAttachment ? `${fileAttachment}\n\n${question}` : question;
}

/**
 * Runs a validated plan: applies overrides, resolves `{{…}}`, builds the ending node's ancestors in
 * order, then runs the ending node with the question. Events go to `ctx.sink`; the result is returned.
 */
export async function executeFlow(plan: FlowPlan, input: FlowInput, ctx: RunContext): Promise<FlowResult> {
  const builder = new FlowBuilder(plan, input, ctx);
  for (const node of plan.buildOrder) {
    if (!builder.instances.has(node.id)) await builder.build(node);
  }
  const ending = plan.endingNode;
  ctx.signal.throwIfAborted();
  // `{{question}}` above was the question alone; the ending node also reads the uploaded files' text.
  const question = questionWithAttachments(ctx.question, input.fileAttachment);
  try {
    const run = () => ending.definition.run!(builder.instances.get(ending.id), question === ctx.question ? ctx : { ...ctx, question });
    return await (ctx.trace ? ctx.trace.time(ending, run) : run());
  } catch (error) {
    attributeToNode(error, blamedNode(ending, builder.inputsOf(ending), error));
    throw error;
  }
}

/**
 * The node a failure of the ending node's run is about: a failed LLM call is its chat model's (the node
 * its `model` input references), anything else the ending node's own.
 */
function blamedNode(ending: PlanNode, inputs: Record<string, unknown>, error: unknown): string {
  if (!(error instanceof LlmCallError)) return ending.id;
  return [...referencedNodeIds(inputs.model)][0] ?? ending.id;
}
