import type { ChatOpenAI, ChatOpenAIFields } from '@langchain/openai';
import { FlowValidationError } from '../errors.js';
import { CHAT_MODEL_BASE_CLASSES, OPENAI_STYLE_NUMBER_INPUTS, chatModelInputs, credentialField, extraNumber, reasoningInputs } from './chat-model-inputs.js';
import { asCommaList, asJsonObject, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

/** Loaded on first use (start-up time and memory), with offline token counting. */
const offlineChatOpenAI = lazyOfflineModel<new (fields: ChatOpenAIFields) => ChatOpenAI>(async () => (await import('@langchain/openai')).ChatOpenAI);

/** o1/o3/o4, codex-mini and gpt-5 (not -chat) take no temperature or stop, and accept reasoning options. */
export function isReasoningModel(model: string): boolean {
  return /^(o1|o3|o4)/.test(model) || model.startsWith('codex-mini') || (model.includes('gpt-5') && !model.includes('-chat'));
}

/** The reasoning block of o-series and gpt-5 models, from `reasoningEffort` / `reasoningSummary` when set. */
export function applyReasoning(fields: { reasoning?: ChatOpenAIFields['reasoning'] }, inputs: Record<string, unknown>): void {
  const effort = asString(inputs.reasoningEffort);
  const summary = asString(inputs.reasoningSummary);
  if (!effort && !summary) return;
  fields.reasoning = { ...(effort ? { effort: effort as 'low' } : {}), ...(summary ? { summary: summary as 'auto' } : {}) };
}

export const chatOpenAI: NodeDefinition = {
  name: 'chatOpenAI',
  label: 'OpenAI',
  version: 8.3,
  type: 'ChatOpenAI',
  description: 'Chat models of OpenAI, or of any server that speaks the OpenAI chat completions API (set Base Path).',
  icon: 'openai',
  category: 'Chat Models',
  baseClasses: ['ChatOpenAI', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['openAIApi'], fields: ['openAIApiKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ default: 'gpt-4o-mini', placeholder: 'gpt-4o-mini' }),
    ...reasoningInputs('low', 'medium', 'high', 'xhigh'),
    extraNumber('maxTokens', 'Max Tokens', 'Longest answer, in tokens'),
    ...OPENAI_STYLE_NUMBER_INPUTS,
    {
      name: 'strictToolCalling',
      kind: 'param',
      type: 'boolean',
      label: 'Strict Tool Calling',
      optional: true,
      additionalParams: true,
      description: 'Ask the model to follow tool schemas exactly',
    },
    {
      name: 'stopSequence',
      kind: 'param',
      type: 'string',
      label: 'Stop Sequence',
      optional: true,
      additionalParams: true,
      placeholder: 'AI assistant:',
      description: 'Comma-separated texts that end the answer',
    },
    {
      name: 'basepath',
      kind: 'param',
      type: 'string',
      label: 'Base Path',
      optional: true,
      additionalParams: true,
      placeholder: 'https://api.openai.com/v1',
      description: 'Base URL of an OpenAI-compatible server',
    },
    {
      name: 'baseOptions',
      kind: 'param',
      type: 'json',
      label: 'Base Options',
      optional: true,
      additionalParams: true,
      description: 'Extra HTTP headers sent with every call, as a JSON object',
    },
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const model = asString(inputs.modelName) ?? 'gpt-4o-mini';
    const apiKey = credentialField(ctx, 'openAIApiKey');
    if (!apiKey) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (chatOpenAI): no OpenAI API key; create an openAIApi credential and set the node's data.credential to its id`,
        ctx.nodeId,
      );
    }
    let headers: Record<string, unknown> | undefined;
    try {
      headers = asJsonObject(inputs.baseOptions, 'baseOptions');
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (chatOpenAI): ${(error as Error).message}`, ctx.nodeId);
    }
    const reasoning = isReasoningModel(model);
    const fields: ChatOpenAIFields = {
      model,
      apiKey,
      // No `streaming` flag: it would turn stream() into invoke(). We choose per call (run/call-model).
      maxRetries: CLIENT_RETRIES,
      configuration: {
        ...(asString(inputs.basepath) ? { baseURL: asString(inputs.basepath) } : {}),
        ...(headers ? { defaultHeaders: headers as Record<string, string> } : {}),
      },
    };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined && !reasoning) fields.temperature = temperature;
    const maxTokens = asNumber(inputs.maxTokens);
    if (maxTokens !== undefined) fields.maxTokens = maxTokens;
    const topP = asNumber(inputs.topP);
    if (topP !== undefined) fields.topP = topP;
    const frequencyPenalty = asNumber(inputs.frequencyPenalty);
    if (frequencyPenalty !== undefined) fields.frequencyPenalty = frequencyPenalty;
    const presencePenalty = asNumber(inputs.presencePenalty);
    if (presencePenalty !== undefined) fields.presencePenalty = presencePenalty;
    const timeout = asNumber(inputs.timeout);
    if (timeout !== undefined) fields.timeout = timeout;
    const stop = asCommaList(inputs.stopSequence);
    if (stop && !reasoning) fields.stop = stop;
    if (reasoning) applyReasoning(fields, inputs);
    return new (await offlineChatOpenAI())(fields);
  },
};
