import type { ChatOllama, ChatOllamaInput } from '@langchain/ollama';
import { CHAT_MODEL_BASE_CLASSES, COMMON_CHAT_MODEL_INPUTS, credentialField } from './chat-model-inputs.js';
import { asBoolean, asNumber, asString } from './input-values.js';
import type { NodeDefinition } from './node-definition.js';
import { lazyOfflineModel } from './offline-token-count.js';

/** Loaded on first use (start-up time and memory), with offline token counting. */
const offlineChatOllama = lazyOfflineModel<new (fields: ChatOllamaInput) => ChatOllama>(async () => (await import('@langchain/ollama')).ChatOllama);

const NUMBER_OPTIONS = [
  'topP',
  'topK',
  'mirostat',
  'mirostatEta',
  'mirostatTau',
  'numCtx',
  'numGpu',
  'numThread',
  'repeatLastN',
  'repeatPenalty',
  'tfsZ',
] as const;

export const chatOllama: NodeDefinition = {
  name: 'chatOllama',
  label: 'Ollama',
  category: 'Chat Models',
  baseClasses: ['ChatOllama', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['ollamaApi'], fields: ['ollamaApiKey'], optional: true },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...COMMON_CHAT_MODEL_INPUTS.filter((spec) => spec.name !== 'modelName'),
    { name: 'baseUrl', kind: 'param', type: 'string', optional: true },
    { name: 'modelName', kind: 'param', type: 'string' },
    { name: 'think', kind: 'param', type: 'boolean', optional: true },
    { name: 'jsonMode', kind: 'param', type: 'boolean', optional: true },
    { name: 'keepAlive', kind: 'param', type: 'string', optional: true },
    { name: 'stop', kind: 'param', type: 'string', optional: true },
    ...NUMBER_OPTIONS.map((name) => ({ name, kind: 'param' as const, type: 'number', optional: true })),
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'ollamaApiKey');
    const fields: ChatOllamaInput = {
      baseUrl: asString(inputs.baseUrl) ?? 'http://localhost:11434',
      model: asString(inputs.modelName) ?? 'llama2',
      maxRetries: ctx.run.services.llm.maxRetries,
      think: asBoolean(inputs.think) ?? false,
      keepAlive: asString(inputs.keepAlive) ?? '5m',
      ...(apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {}),
    };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined) fields.temperature = temperature;
    if (asBoolean(inputs.jsonMode)) fields.format = 'json';
    for (const name of NUMBER_OPTIONS) {
      const value = asNumber(inputs[name]);
      if (value !== undefined) (fields as Record<string, unknown>)[name] = value;
    }
    // `stop` is deliberately not applied: Flowise's implementation ignores it too (flowise-nodes.md §3.1).
    return new (await offlineChatOllama())(fields);
  },
};
