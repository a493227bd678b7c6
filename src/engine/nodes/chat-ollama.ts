import type { ChatOllama, ChatOllamaInput } from '@langchain/ollama';
import { CHAT_MODEL_BASE_CLASSES, chatModelInputs, credentialField, extraNumber } from './chat-model-inputs.js';
import { asBoolean, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

/** Loaded on first use (start-up time and memory), with offline token counting. */
const offlineChatOllama = lazyOfflineModel<new (fields: ChatOllamaInput) => ChatOllama>(async () => (await import('@langchain/ollama')).ChatOllama);

/** Ollama's sampling and runtime options, passed through when set (name, editor label). */
const NUMBER_OPTIONS = [
  ['topP', 'Top P'],
  ['topK', 'Top K'],
  ['mirostat', 'Mirostat'],
  ['mirostatEta', 'Mirostat ETA'],
  ['mirostatTau', 'Mirostat TAU'],
  ['numCtx', 'Context Window Size'],
  ['numGpu', 'Number of GPU Layers'],
  ['numThread', 'Number of Threads'],
  ['repeatLastN', 'Repeat Last N'],
  ['repeatPenalty', 'Repeat Penalty'],
  ['tfsZ', 'Tail Free Sampling'],
] as const;

export const chatOllama: NodeDefinition = {
  name: 'chatOllama',
  label: 'Ollama',
  version: 5,
  type: 'ChatOllama',
  description: 'Open models served by Ollama on your own machine or network.',
  icon: 'ollama',
  category: 'Chat Models',
  baseClasses: ['ChatOllama', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['ollamaApi'], fields: ['ollamaApiKey'], optional: true },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ placeholder: 'llama3.2', optional: false }),
    {
      name: 'baseUrl',
      kind: 'param',
      type: 'string',
      label: 'Base URL',
      optional: true,
      default: 'http://localhost:11434',
    },
    {
      name: 'think',
      kind: 'param',
      type: 'boolean',
      label: 'Think',
      optional: true,
      default: false,
      additionalParams: true,
      description: 'Let thinking models reason before answering',
    },
    {
      name: 'jsonMode',
      kind: 'param',
      type: 'boolean',
      label: 'JSON Mode',
      optional: true,
      additionalParams: true,
      description: 'Ask the model to answer with JSON only',
    },
    {
      name: 'keepAlive',
      kind: 'param',
      type: 'string',
      label: 'Keep Alive',
      optional: true,
      default: '5m',
      additionalParams: true,
      description: 'How long Ollama keeps the model loaded after a call (e.g. 5m, 1h)',
    },
    {
      name: 'stop',
      kind: 'param',
      type: 'string',
      label: 'Stop Sequence',
      optional: true,
      additionalParams: true,
      description: 'Comma-separated; kept for Flowise compatibility, not applied (as in Flowise)',
    },
    ...NUMBER_OPTIONS.map(([name, label]) => extraNumber(name, label)),
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'ollamaApiKey');
    const fields: ChatOllamaInput = {
      baseUrl: asString(inputs.baseUrl) ?? 'http://localhost:11434',
      model: asString(inputs.modelName) ?? 'llama2',
      maxRetries: CLIENT_RETRIES,
      think: asBoolean(inputs.think) ?? false,
      keepAlive: asString(inputs.keepAlive) ?? '5m',
      ...(apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {}),
    };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined) fields.temperature = temperature;
    if (asBoolean(inputs.jsonMode)) fields.format = 'json';
    for (const [name] of NUMBER_OPTIONS) {
      const value = asNumber(inputs[name]);
      if (value !== undefined) (fields as Record<string, unknown>)[name] = value;
    }
    // `stop` is deliberately not applied: Flowise's implementation ignores it too (flowise-nodes.md §3.1).
    return new (await offlineChatOllama())(fields);
  },
};
