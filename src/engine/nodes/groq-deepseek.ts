import type { ChatDeepSeek, ChatDeepSeekInput } from '@langchain/deepseek';
import type { ChatGroq, ChatGroqInput } from '@langchain/groq';
import { FlowValidationError } from '../errors.js';
import { CHAT_MODEL_BASE_CLASSES, OPENAI_STYLE_NUMBER_INPUTS, chatModelInputs, credentialField, extraNumber } from './chat-model-inputs.js';
import { asBoolean, asCommaList, asJsonObject, asNumber, asString } from './input-values.js';
import type { InputSpec, NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

const offlineChatGroq = lazyOfflineModel<new (fields: ChatGroqInput) => ChatGroq>(async () => (await import('@langchain/groq')).ChatGroq);
const offlineChatDeepSeek = lazyOfflineModel<new (fields: Partial<ChatDeepSeekInput>) => ChatDeepSeek>(async () => (await import('@langchain/deepseek')).ChatDeepSeek);

/** aimicromind addition (Flowise has no such input): another host for an OpenAI-compatible provider. */
const baseUrlInput = (name: string, placeholder: string, description: string): InputSpec => ({
  name,
  kind: 'param',
  type: 'string',
  label: 'Base URL',
  optional: true,
  additionalParams: true,
  placeholder,
  description,
});

export const groqChat: NodeDefinition = {
  name: 'groqChat',
  label: 'Groq',
  version: 4,
  type: 'GroqChat',
  description: "Open models served fast by Groq's LPU inference.",
  icon: 'groq',
  category: 'Chat Models',
  baseClasses: ['GroqChat', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['groqApi'], fields: ['groqApiKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ placeholder: 'llama-3.3-70b-versatile', optional: false }).filter((spec) => spec.name !== 'allowImageUploads'),
    extraNumber('maxTokens', 'Max Tokens', 'Longest answer, in tokens'),
    baseUrlInput('baseUrl', 'https://api.groq.com', 'Another host speaking the Groq API (the client adds /openai/v1/chat/completions)'),
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'groqApiKey');
    if (!apiKey) throw new FlowValidationError(`Node ${ctx.nodeId} (groqChat): no Groq API key; connect a groqApi credential`, ctx.nodeId);
    const fields: ChatGroqInput = { apiKey, model: asString(inputs.modelName) ?? 'llama-3.3-70b-versatile', maxRetries: CLIENT_RETRIES };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined) fields.temperature = temperature;
    const maxTokens = asNumber(inputs.maxTokens);
    if (maxTokens !== undefined) fields.maxTokens = maxTokens;
    const baseUrl = asString(inputs.baseUrl);
    if (baseUrl) fields.baseUrl = baseUrl.replace(/\/+$/, '');
    return new (await offlineChatGroq())(fields);
  },
};

export const chatDeepseek: NodeDefinition = {
  name: 'chatDeepseek',
  label: 'Deepseek',
  version: 1,
  type: 'chatDeepseek',
  description: "DeepSeek's chat and reasoning models.",
  icon: 'deepseek',
  category: 'Chat Models',
  baseClasses: ['chatDeepseek', 'ChatDeepSeek', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['deepseekApi'], fields: ['deepseekApiKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ default: 'deepseek-chat', placeholder: 'deepseek-chat' })
      .filter((spec) => spec.name !== 'allowImageUploads')
      .map((spec) => (spec.name === 'temperature' ? { ...spec, default: 0.7 } : spec)),
    extraNumber('maxTokens', 'Max Tokens', 'Longest answer, in tokens'),
    ...OPENAI_STYLE_NUMBER_INPUTS,
    { name: 'stopSequence', kind: 'param', type: 'string', label: 'Stop Sequence', optional: true, additionalParams: true, description: 'Comma-separated texts that end the answer' },
    { name: 'thinking', kind: 'param', type: 'boolean', label: 'Thinking', optional: true, default: false, additionalParams: true, description: 'Turn on thinking for models that offer it' },
    { name: 'baseOptions', kind: 'param', type: 'json', label: 'Base Options', optional: true, additionalParams: true, description: 'Extra HTTP headers sent with every call, as a JSON object' },
    baseUrlInput('basepath', 'https://api.deepseek.com', 'Another host speaking the DeepSeek (OpenAI-style) API'),
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'deepseekApiKey');
    if (!apiKey) throw new FlowValidationError(`Node ${ctx.nodeId} (chatDeepseek): no DeepSeek API key; connect a deepseekApi credential`, ctx.nodeId);
    let headers: Record<string, unknown> | undefined;
    try {
      headers = asJsonObject(inputs.baseOptions, 'baseOptions');
    } catch (error) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (chatDeepseek): Invalid JSON in the BaseOptions: ${(error as Error).message}`, ctx.nodeId);
    }
    const basepath = asString(inputs.basepath);
    const fields: Partial<ChatDeepSeekInput> = {
      apiKey,
      model: asString(inputs.modelName) ?? 'deepseek-chat',
      maxRetries: CLIENT_RETRIES,
      configuration: {
        ...(basepath ? { baseURL: basepath.replace(/\/+$/, '') } : {}),
        ...(headers ? { defaultHeaders: headers as Record<string, string> } : {}),
      },
    };
    for (const name of ['temperature', 'maxTokens', 'topP', 'frequencyPenalty', 'presencePenalty', 'timeout'] as const) {
      const value = asNumber(inputs[name]);
      if (value !== undefined) fields[name] = value;
    }
    const stop = asCommaList(inputs.stopSequence);
    if (stop) fields.stop = stop;
    if (asBoolean(inputs.thinking)) fields.modelKwargs = { thinking: { type: 'enabled' } };
    return new (await offlineChatDeepSeek())(fields);
  },
};
