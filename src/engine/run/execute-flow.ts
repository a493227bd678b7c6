import { isAppError } from '../../shared/app-error.js';
import { FlowValidationError } from '../errors.js';
import type { FlowResult } from '../events/run-event.js';
import { type FlowPlan, type PlanNode, describeNode } from '../graph/flow-plan.js';
import { asJsonObject, asString } from '../nodes/input-values.js';
import { historyAsText, isMemoryInstance } from '../nodes/memory-instance.js';
import type { RunContext } from '../nodes/node-definition.js';
import { abortReason } from './call-model.js';
import { InstanceCache } from './instance-cache.js';
import { type OverrideSettings, applyOverrides } from './override-config.js';
import { type VariableScope, referencedNodeIds, resolveInputValue, resolveVariableText } from './variables.js';

export interface FlowInput {
  overrideConfig?: Record<string, unknown>;
  overrideSettings: OverrideSettings;
  /** Extracted text of uploaded files (`{{file_attachment}}`). */
  fileAttachment?: string;
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
  const acceptsVariables = new Map(node.definition.inputs.filter((s) => s.acceptVariable).map((s) => [s.name, s.type]));
  for (const [name, value] of Object.entries(inputs)) {
    const type = acceptsVariables.get(name);
    if (type === undefined) resolved[name] = resolveInputValue(value, scope);
    // Text params (a request tool's URL, headers, body) take every expression as text.
    else if (type !== 'json' && typeof value === 'string') resolved[name] = await resolveVariableText(value, scope);
    else resolved[name] = await resolveVariableParam(node, value, scope);
  }
  return resolved;
}

/** Whether a node's inputs mention `$vars` (cached per stored inputs object, which lives as long as the plan). */
const mentionsVarsCache = new WeakMap<object, boolean>();
function mentionsVars(inputs: Record<string, unknown>): boolean {
  let mentions = mentionsVarsCache.get(inputs);
  if (mentions === undefined) {
    mentions = JSON.stringify(inputs).includes('$vars');
    mentionsVarsCache.set(inputs, mentions);
  }
  return mentions;
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

  // Stored variables are read once, and only by runs that use them; overrideConfig.vars win (Flowise's
  // getGlobalVariable: an enabled override replaces a stored variable of that name, or adds one).
  let variablesLoaded: Promise<void> | undefined;
  const loadVariables = () =>
    (variablesLoaded ??= (async () => {
      const stored = ctx.services.variables ? await ctx.services.variables.load() : {};
      scope.vars = { ...stored, ...overrides.vars };
    })());

  const build = async (node: PlanNode): Promise<unknown> => {
    ctx.signal.throwIfAborted();
    const inputs = inputsOf(node);
    if (node.definition.usesVariables || mentionsVars(inputs)) await loadVariables();
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
        vars: scope.vars,
      });
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
  return ending.definition.run!(instances.get(ending.id), ctx);
}
