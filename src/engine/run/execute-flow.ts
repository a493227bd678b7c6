import type { FlowResult } from '../events/run-event.js';
import type { FlowPlan } from '../graph/flow-plan.js';
import type { RunContext } from '../nodes/node-definition.js';
import { FlowBuilder, type FlowInput } from './flow-builder.js';

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
  return ending.definition.run!(builder.instances.get(ending.id), question === ctx.question ? ctx : { ...ctx, question });
}
