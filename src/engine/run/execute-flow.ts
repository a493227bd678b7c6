import { isAppError } from '../../shared/app-error.js';
import { FlowValidationError } from '../errors.js';
import type { FlowResult } from '../events/run-event.js';
import { type FlowPlan, type PlanNode, describeNode } from '../graph/flow-plan.js';
import { markImageUploads } from '../files/uploads.js';
import { asBoolean, asJsonObject, asString } from '../nodes/input-values.js';
import { historyAsText, isMemoryInstance } from '../nodes/memory-instance.js';
import type { RunContext } from '../nodes/node-definition.js';
import { abortReason } from './call-model.js';
import { InstanceCache } from './instance-cache.js';
import { type OverrideSettings, applyOverrides } from './override-config.js';
import { type VariableScope, referencedNodeIds, resolveInputValue, resolveVariableText } from './variables.js';

export interface FlowInput {
  overrideConfig?: Record<string, unknown>;
  overrideSettings: OverrideSettings;
  /**
   * Extracted text of full-file uploads (`{{file_attachment}}`), as Flowise builds it: one
   * `<doc name='…'>text</doc>\n\n` per file. The ending node gets it before the question.
   */
  fileAttachment?: string;
}

/** Flowise's `<uploaded files content>\n\n<question>` for the ending node; the question alone otherwise. */
export function questionWithAttachments(question: string, fileAttachment: string | undefined): string {
  return fileAttachment ? `${fileAttachment}\n\n${question}` : question;
}

/** `acceptVariable` params hold JSON whose string values may contain `{{…}}`; parse, then substitute. */
async function resolveVariableParam(node: PlanNode, value: unknown, scope: VariableScope): Promise<Record<string, unknown>> {
  let object: Record<string, unknown> | undefined;
  try {
    object = asJsonObject(value, 'promptValues');
  } catch (error) {
    throw new FlowValidationError(`${describeNode(node)}: ${(error as Error).message}`, node.id);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object ?? {})) {
    resolved[key] = typeof item === 'string' ? await resolveVariableText(item, scope) : item;
  }
  return resolved;
}

async function resolveInputs(node: PlanNode, inputs: Record<string, unknown>, scope: VariableScope) {
  const resolved: Record<string, unknown> = {};
  const acceptsVariables = new Set(node.definition.inputs.filter((s) => s.acceptVariable).map((s) => s.name));
  for (const [name, value] of Object.entries(inputs)) {
    resolved[name] = acceptsVariables.has(name)
      ? await resolveVariableParam(node, value, scope)
      : resolveInputValue(value, scope);
  }
  return resolved;
}

async function loadCredential(node: PlanNode, inputs: Record<string, unknown>, ctx: RunContext) {
  // chatOpenAI (and, harmlessly, every credentialed node) accepts `credentialId` in place of data.credential.
  const credentialId = asString(inputs.credentialId) ?? node.credentialId;
  if (!credentialId || !node.definition.credential) return {};
  return ctx.services.loadCredential(credentialId, node.definition.credential.names, node.id);
}

/**
 * Runs a validated plan: applies overrides, resolves `{{…}}`, builds the ending node's ancestors in
 * order, then runs the ending node with the question. Events go to `ctx.sink`; the result is returned.
 */
export async function executeFlow(plan: FlowPlan, input: FlowInput, ctx: RunContext): Promise<FlowResult> {
  const overrides = applyOverrides(plan, input.overrideConfig, input.overrideSettings);
  const instances = new Map<string, unknown>();
  const inputsOf = (node: PlanNode) => overrides.inputs.get(node.id) ?? node.inputs;

  const build = async (node: PlanNode): Promise<unknown> => {
    ctx.signal.throwIfAborted();
    const inputs = inputsOf(node);
    const resolved = await resolveInputs(node, inputs, scope);
    const credential = await loadCredential(node, inputs, ctx);
    const cache = node.definition.reusable ? ctx.services.instances : undefined;
    const key = cache ? InstanceCache.key(node.name, resolved, credential) : undefined;
    const held = key ? cache!.get(key) : undefined;
    if (held !== undefined) {
      instances.set(node.id, held);
      return held;
    }
    try {
      const instance = await node.definition.build({
        nodeId: node.id,
        label: node.label,
        inputs: resolved,
        credential,
        outputs: node.outputs,
        run: ctx,
      });
      // Chains pass uploaded images only to a model built with allowImageUploads (Flowise's multiModalOption).
      if (node.category === 'Chat Models' && asBoolean(resolved.allowImageUploads) === true) markImageUploads(instance);
      instances.set(node.id, instance);
      if (key) cache!.set(key, instance);
      return instance;
    } catch (error) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      if (isAppError(error)) throw error;
      throw new FlowValidationError(`${describeNode(node)}: ${(error as Error).message}`, node.id);
    }
  };

  const scope: VariableScope = {
    question: ctx.question,
    fileAttachment: input.fileAttachment ?? '',
    instances,
    vars: overrides.vars,
    flow: {
      chatflowId: ctx.chatflowId,
      chatflowid: ctx.chatflowId,
      chatId: ctx.chatId,
      sessionId: ctx.sessionId,
      apiMessageId: ctx.apiMessageId,
    },
    // {{chat_history}} is the ending node's memory, which may not be built yet when a prompt needs it.
    chatHistory: async () => {
      const memoryRef = [...referencedNodeIds(inputsOf(plan.endingNode).memory)][0];
      const memoryNode = memoryRef ? plan.allNodes.get(memoryRef) : undefined;
      if (!memoryNode) return '';
      const memory = instances.get(memoryNode.id) ?? (await build(memoryNode));
      return isMemoryInstance(memory) ? historyAsText(await memory.loadTurns(ctx)) : '';
    },
  };

  for (const node of plan.buildOrder) {
    if (!instances.has(node.id)) await build(node);
  }
  const ending = plan.endingNode;
  ctx.signal.throwIfAborted();
  // `{{question}}` above was the question alone; the ending node also reads the uploaded files' text.
  const question = questionWithAttachments(ctx.question, input.fileAttachment);
  return ending.definition.run!(instances.get(ending.id), question === ctx.question ? ctx : { ...ctx, question });
}
