import { isAppError } from '../../shared/app-error.js';
import { FlowValidationError, attributeToNode } from '../errors.js';
import { type PlanNode, describeNode } from '../graph/flow-plan.js';
import { markImageUploads } from '../files/uploads.js';
import { asBoolean, asJsonObject, asString } from '../nodes/input-values.js';
import { historyAsText, isMemoryInstance } from '../nodes/memory-instance.js';
import type { BuildContext, RunContext } from '../nodes/node-definition.js';
import { withProviderErrors } from '../vectors/provider-errors.js';
import { withTracedEmbeddings } from '../vectors/traced-embeddings.js';
import { abortReason } from './call-model.js';
import { InstanceCache } from './instance-cache.js';
import { type OverrideSettings, applyOverrides } from './override-config.js';
import { type VariableScope, referencedNodeIds, resolveInputValue, resolveVariableText, variablesMap } from './variables.js';

export interface FlowInput {
  overrideConfig?: Record<string, unknown>;
  overrideSettings: OverrideSettings;
  /**
   * Extracted text of full-file uploads (`{{file_attachment}}`), as Flowise builds it: one
   * `<doc name='…'>text</doc>\n\n` per file. The ending node gets it before the question.
   */
  fileAttachment?: string;
}

/** What the builder needs of a plan: every node (overrides target them by label) and, for `{{chat_history}}`, the ending node. */
export interface BuildablePlan {
  allNodes: ReadonlyMap<string, PlanNode>;
  endingNode?: PlanNode;
}

/** `acceptVariable` params hold JSON whose string values may contain `{{…}}`; parse, then substitute. */
async function resolveVariableParam(node: PlanNode, name: string, value: unknown, scope: VariableScope): Promise<Record<string, unknown>> {
  let object: Record<string, unknown> | undefined;
  try {
    object = asJsonObject(value, name);
  } catch (error) {
    throw new FlowValidationError(`${describeNode(node)}: ${(error as Error).message}`, node.id);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object ?? {})) {
    // Own property even for "__proto__" (an assignment would set the prototype and drop the entry).
    Object.defineProperty(resolved, key, { value: typeof item === 'string' ? await resolveVariableText(item, scope) : item, enumerable: true, writable: true, configurable: true });
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

/**
 * Builds a plan's nodes for one run: applies overrides, resolves `{{…}}`, loads credentials, reuses
 * cached instances of reusable nodes, and keeps what it built for later references.
 */
export class FlowBuilder {
  readonly instances = new Map<string, unknown>();
  private readonly overrides;
  private readonly scope: VariableScope;
  private variablesLoaded: Promise<void> | undefined;

  constructor(
    private readonly plan: BuildablePlan,
    input: FlowInput,
    private readonly ctx: RunContext,
  ) {
    this.overrides = applyOverrides(plan, input.overrideConfig, input.overrideSettings);
    this.scope = {
      question: ctx.question,
      fileAttachment: input.fileAttachment ?? '',
      instances: this.instances,
      vars: this.overrides.vars,
      flow: { chatflowId: ctx.chatflowId, chatflowid: ctx.chatflowId, chatId: ctx.chatId, sessionId: ctx.sessionId, apiMessageId: ctx.apiMessageId },
      // {{chat_history}} is the ending node's memory, which may not be built yet when a prompt needs it.
      chatHistory: async () => {
        const ending = this.plan.endingNode;
        const memoryRef = ending ? [...referencedNodeIds(this.inputsOf(ending).memory)][0] : undefined;
        const memoryNode = memoryRef ? this.plan.allNodes.get(memoryRef) : undefined;
        if (!memoryNode) return '';
        const memory = this.instances.get(memoryNode.id) ?? (await this.build(memoryNode));
        return isMemoryInstance(memory) ? historyAsText(await memory.loadTurns(ctx)) : '';
      },
    };
  }

  /** A node's inputs after overrides, before `{{…}}` resolution. */
  inputsOf(node: PlanNode): Record<string, unknown> {
    return this.overrides.inputs.get(node.id) ?? node.inputs;
  }

  /**
   * Stored variables are read once, and only by runs that use them; overrideConfig.vars win (Flowise's
   * getGlobalVariable: an enabled override replaces a stored variable of that name, or adds one).
   */
  private loadVariables(): Promise<void> {
    return (this.variablesLoaded ??= (async () => {
      const stored = this.ctx.services.variables ? await this.ctx.services.variables.load() : {};
      this.scope.vars = variablesMap(stored, this.overrides.vars);
    })());
  }

  /** The context a node's build (or upsert) receives. */
  async contextFor(node: PlanNode): Promise<BuildContext> {
    const inputs = this.inputsOf(node);
    if (node.definition.usesVariables || mentionsVars(inputs)) await this.loadVariables();
    const acceptsVariables = new Map(node.definition.inputs.filter((s) => s.acceptVariable).map((s) => [s.name, s.type]));
    const resolved: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(inputs)) {
      const type = acceptsVariables.get(name);
      if (type === undefined) resolved[name] = resolveInputValue(value, this.scope);
      // Text params (a request tool's URL, headers, body) take every expression as text.
      else if (type !== 'json' && typeof value === 'string') resolved[name] = await resolveVariableText(value, this.scope);
      else resolved[name] = await resolveVariableParam(node, name, value, this.scope);
    }
    // chatOpenAI (and, harmlessly, every credentialed node) accepts `credentialId` in place of data.credential.
    const credentialId = asString(inputs.credentialId) ?? node.credentialId;
    const credential =
      credentialId && node.definition.credential
        ? await this.ctx.services.loadCredential(credentialId, node.definition.credential.names, node.id)
        : {};
    return { nodeId: node.id, label: node.label, inputs: resolved, credential, outputs: node.outputs, run: this.ctx, vars: this.scope.vars };
  }

  /** Runs `step` for a node, mapping a failure to an error that names it (aborts keep their reason). */
  async guarded<T>(node: PlanNode, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (this.ctx.signal.aborted) throw abortReason(this.ctx.signal);
      attributeToNode(error, node.id);
      if (isAppError(error)) throw error;
      throw new FlowValidationError(`${describeNode(node)}: ${(error as Error).message}`, node.id);
    }
  }

  /** Builds a node (timed as its span when the run is traced) and keeps the instance. */
  async build(node: PlanNode): Promise<unknown> {
    this.ctx.signal.throwIfAborted();
    const trace = this.ctx.trace;
    if (!trace) return this.buildNode(node);
    let instance = await trace.time(node, () => this.buildNode(node));
    if (node.category === 'Embeddings') {
      // Embedding calls come from deep inside vector stores and retrievers: this run's view times them.
      instance = withTracedEmbeddings(instance, node, trace);
      this.instances.set(node.id, instance);
    }
    trace.own(instance, node);
    return instance;
  }

  private async buildNode(node: PlanNode): Promise<unknown> {
    const buildCtx = await this.contextFor(node);
    const cache = node.definition.reusable ? this.ctx.services.instances : undefined;
    const key = cache ? InstanceCache.key(node.name, buildCtx.inputs, buildCtx.credential) : undefined;
    const held = key ? cache!.get(key) : undefined;
    if (held !== undefined) {
      this.instances.set(node.id, held);
      return held;
    }
    let instance = await this.guarded(node, () => node.definition.build(buildCtx));
    if (node.category === 'Embeddings') instance = withProviderErrors(instance, describeNode(node));
    // Chains pass uploaded images only to a model built with allowImageUploads (Flowise's multiModalOption).
    if (node.category === 'Chat Models' && asBoolean(buildCtx.inputs.allowImageUploads) === true) markImageUploads(instance);
    this.instances.set(node.id, instance);
    if (key) cache!.set(key, instance);
    return instance;
  }
}
