import type { ChatAnthropic } from '@langchain/anthropic';
import { FlowValidationError } from '../errors.js';
import { CHAT_MODEL_BASE_CLASSES, chatModelInputs, credentialField, extraNumber, plainOptions } from './chat-model-inputs.js';
import { asBoolean, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';


const ADAPTIVE_THINKING_MODELS = new Set(['claude-opus-4-7', 'claude-opus-4-6', 'claude-sonnet-4-6']);

/** Opus 4.7 and later reject temperature, top-p and top-k. */
function hasNoSamplingParams(model: string): boolean {
  const match = /^claude-opus-(\d+)-(\d+)/.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 4 || (major === 4 && minor >= 7);
}

type AnthropicFields = ConstructorParameters<typeof ChatAnthropic>[0] & {};

/** Loaded on first use (start-up time and memory), with offline token counting. */
const offlineChatAnthropic = lazyOfflineModel<new (fields: AnthropicFields) => ChatAnthropic>(async () => (await import('@langchain/anthropic')).ChatAnthropic);

export const chatAnthropic: NodeDefinition = {
  name: 'chatAnthropic',
  label: 'Anthropic Claude',
  version: 8,
  type: 'ChatAnthropic',
  description: "Anthropic's Claude chat models, with extended or adaptive thinking.",
  icon: 'anthropic',
  category: 'Chat Models',
  baseClasses: ['ChatAnthropic', 'ChatAnthropicMessages', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['anthropicApi'], fields: ['anthropicApiKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ default: 'claude-haiku-4-5', placeholder: 'claude-haiku-4-5' }),
    {
      name: 'extendedThinking',
      kind: 'param',
      type: 'boolean',
      label: 'Extended Thinking',
      optional: true,
      additionalParams: true,
      description: 'Let the model think before it answers, within the budget below',
    },
    { ...extraNumber('budgetTokens', 'Thinking Budget Tokens'), default: 1024 },
    {
      name: 'adaptiveThinking',
      kind: 'param',
      type: 'boolean',
      label: 'Adaptive Thinking',
      optional: true,
      default: false,
      additionalParams: true,
      description: 'The model decides how much to think (newest models only)',
    },
    {
      name: 'thinkingEffort',
      kind: 'param',
      type: 'options',
      label: 'Thinking Effort',
      optional: true,
      additionalParams: true,
      options: plainOptions('low', 'medium', 'high', 'max'),
    },
    extraNumber('maxTokensToSample', 'Max Tokens', 'Longest answer, in tokens'),
    { ...extraNumber('topP', 'Top Probability'), step: 0.1 },
    extraNumber('topK', 'Top K'),
    // aimicromind addition: an Anthropic-compatible endpoint (proxies, gateways).
    {
      name: 'baseUrl',
      kind: 'param',
      type: 'string',
      label: 'Base URL',
      optional: true,
      additionalParams: true,
      placeholder: 'https://api.anthropic.com',
      description: 'An Anthropic-compatible endpoint such as a gateway',
    },
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const model = asString(inputs.modelName) ?? 'claude-haiku-4-5';
    const apiKey = credentialField(ctx, 'anthropicApiKey');
    if (!apiKey) {
      throw new FlowValidationError(
        `Node ${ctx.nodeId} (chatAnthropic): no Anthropic API key; create an anthropicApi credential and set the node's data.credential to its id`,
        ctx.nodeId,
      );
    }
    const fields: AnthropicFields = {
      model,
      apiKey,
      maxRetries: CLIENT_RETRIES,
    };
    const baseUrl = asString(inputs.baseUrl);
    if (baseUrl) fields.anthropicApiUrl = baseUrl;
    const maxTokens = asNumber(inputs.maxTokensToSample);
    if (maxTokens !== undefined) fields.maxTokens = maxTokens;

    let thinking = false;
    if (ADAPTIVE_THINKING_MODELS.has(model) && asBoolean(inputs.adaptiveThinking)) {
      const effort = asString(inputs.thinkingEffort);
      fields.thinking = { type: 'adaptive', ...(effort ? { effort } : {}) } as unknown as AnthropicFields['thinking'];
      thinking = true;
    } else if (!ADAPTIVE_THINKING_MODELS.has(model) && asBoolean(inputs.extendedThinking)) {
      fields.thinking = { type: 'enabled', budget_tokens: asNumber(inputs.budgetTokens) ?? 1024 };
      thinking = true;
    }
    if (!hasNoSamplingParams(model)) {
      const temperature = asNumber(inputs.temperature);
      if (temperature !== undefined && !thinking) fields.temperature = temperature;
      const topP = asNumber(inputs.topP);
      if (topP !== undefined) fields.topP = topP;
      const topK = asNumber(inputs.topK);
      if (topK !== undefined) fields.topK = topK;
    } else {
      fields.temperature = null as unknown as number;
      fields.topP = null;
    }
    return new (await offlineChatAnthropic())(fields);
  },
};
