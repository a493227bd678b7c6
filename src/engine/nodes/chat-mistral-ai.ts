import type { ChatMistralAI, ChatMistralAIInput } from '@langchain/mistralai';
import { FlowValidationError } from '../errors.js';
import { CHAT_MODEL_BASE_CLASSES, chatModelInputs, credentialField, extraNumber } from './chat-model-inputs.js';
import { asBoolean, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

const offlineChatMistralAI = lazyOfflineModel<new (fields: ChatMistralAIInput) => ChatMistralAI>(async () => (await import('@langchain/mistralai')).ChatMistralAI);

export const chatMistralAI: NodeDefinition = {
  name: 'chatMistralAI',
  label: 'MistralAI',
  version: 4,
  type: 'ChatMistralAI',
  description: "Mistral AI's chat models (La Plateforme), or a server that speaks its API (set Override Endpoint).",
  icon: 'mistral',
  category: 'Chat Models',
  baseClasses: ['ChatMistralAI', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['mistralAIApi'], fields: ['mistralAIAPIKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ default: 'mistral-tiny', placeholder: 'mistral-small-latest' }).filter((spec) => spec.name !== 'allowImageUploads'),
    extraNumber('maxOutputTokens', 'Max Output Tokens', 'Longest answer, in tokens'),
    { ...extraNumber('topP', 'Top Probability'), step: 0.1 },
    extraNumber('randomSeed', 'Random Seed', 'The same seed gives the same answer'),
    { name: 'safeMode', kind: 'param', type: 'boolean', label: 'Safe Mode', optional: true, additionalParams: true, description: "Put Mistral's safety prompt before the conversation" },
    {
      name: 'overrideEndpoint',
      kind: 'param',
      type: 'string',
      label: 'Override Endpoint',
      optional: true,
      additionalParams: true,
      placeholder: 'https://api.mistral.ai',
      description: 'Base URL of a Mistral-compatible server (the client adds /v1/chat/completions)',
    },
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'mistralAIAPIKey');
    if (!apiKey) throw new FlowValidationError(`Node ${ctx.nodeId} (chatMistralAI): no Mistral API key; connect a mistralAIApi credential`, ctx.nodeId);
    const fields: ChatMistralAIInput = { apiKey, model: asString(inputs.modelName) ?? 'mistral-tiny', maxRetries: CLIENT_RETRIES };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined) fields.temperature = temperature;
    const maxTokens = asNumber(inputs.maxOutputTokens);
    if (maxTokens !== undefined) fields.maxTokens = maxTokens;
    const topP = asNumber(inputs.topP);
    if (topP !== undefined) fields.topP = topP;
    const seed = asNumber(inputs.randomSeed);
    if (seed !== undefined) fields.randomSeed = seed;
    if (asBoolean(inputs.safeMode)) fields.safeMode = true;
    const endpoint = asString(inputs.overrideEndpoint);
    if (endpoint) fields.serverURL = endpoint.replace(/\/+$/, '');
    return new (await offlineChatMistralAI())(fields);
  },
};
