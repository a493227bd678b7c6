import type { ChatGoogleGenerativeAI, GoogleGenerativeAIChatInput } from '@langchain/google-genai';
import { FlowValidationError } from '../errors.js';
import { CHAT_MODEL_BASE_CLASSES, chatModelInputs, credentialField, extraNumber, plainOptions } from './chat-model-inputs.js';
import { asNumber, asString } from './input-values.js';
import type { ArrayItemField, NodeDefinition } from './node-definition.js';
import { CLIENT_RETRIES } from '../run/llm-retry.js';
import { lazyOfflineModel } from './offline-token-count.js';

const offlineChatGoogle = lazyOfflineModel<new (fields: GoogleGenerativeAIChatInput) => ChatGoogleGenerativeAI>(
  async () => (await import('@langchain/google-genai')).ChatGoogleGenerativeAI,
);

/** One safety setting row as the editor edits it (Google's HarmCategory and HarmBlockThreshold names). */
const SAFETY_SETTING_FIELDS: ArrayItemField[] = [
  {
    label: 'Harm Category',
    name: 'harmCategory',
    type: 'options',
    options: [
      { label: 'Dangerous', name: 'HARM_CATEGORY_DANGEROUS_CONTENT', description: 'Content that encourages or helps harmful acts' },
      { label: 'Harassment', name: 'HARM_CATEGORY_HARASSMENT', description: 'Attacks on people or groups' },
      { label: 'Hate Speech', name: 'HARM_CATEGORY_HATE_SPEECH', description: 'Rude, hateful or profane content' },
      { label: 'Sexually Explicit', name: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', description: 'Sexual content' },
      { label: 'Civic Integrity', name: 'HARM_CATEGORY_CIVIC_INTEGRITY', description: 'Questions about elections' },
    ],
  },
  {
    label: 'Harm Block Threshold',
    name: 'harmBlockThreshold',
    type: 'options',
    options: [
      { label: 'None', name: 'BLOCK_NONE', description: 'Never block' },
      { label: 'Only High', name: 'BLOCK_ONLY_HIGH', description: 'Block when harm is highly likely' },
      { label: 'Medium and Above', name: 'BLOCK_MEDIUM_AND_ABOVE', description: 'Block when harm is at least moderately likely' },
      { label: 'Low and Above', name: 'BLOCK_LOW_AND_ABOVE', description: 'Block when harm is at all likely' },
      { label: 'Unspecified', name: 'HARM_BLOCK_THRESHOLD_UNSPECIFIED', description: "Google's default threshold" },
    ],
  },
];

/** Safety settings rows `{harmCategory, harmBlockThreshold}` (a JSON string or an array); bad rows are skipped, as in Flowise. */
function safetySettings(value: unknown): GoogleGenerativeAIChatInput['safetySettings'] {
  let rows: unknown = value;
  if (typeof value === 'string') {
    try {
      rows = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(rows)) return undefined;
  const seen = new Set<string>();
  const settings = rows
    .map((row) => row as { harmCategory?: unknown; harmBlockThreshold?: unknown })
    .filter((row) => typeof row.harmCategory === 'string' && typeof row.harmBlockThreshold === 'string' && !seen.has(row.harmCategory) && seen.add(row.harmCategory))
    .map((row) => ({ category: row.harmCategory, threshold: row.harmBlockThreshold }));
  return settings.length > 0 ? (settings as GoogleGenerativeAIChatInput['safetySettings']) : undefined;
}

export const chatGoogleGenerativeAI: NodeDefinition = {
  name: 'chatGoogleGenerativeAI',
  label: 'Google Gemini',
  version: 3.1,
  type: 'ChatGoogleGenerativeAI',
  description: "Google's Gemini chat models through the Generative Language API (AI Studio keys).",
  icon: 'gemini',
  category: 'Chat Models',
  baseClasses: ['ChatGoogleGenerativeAI', ...CHAT_MODEL_BASE_CLASSES],
  credential: { names: ['googleGenerativeAI'], fields: ['googleGenerativeAPIKey'], optional: false },
  streamCapable: true,
  reusable: true,
  inputs: [
    ...chatModelInputs({ default: 'gemini-1.5-flash-latest', placeholder: 'gemini-2.0-flash' }),
    { name: 'customModelName', kind: 'param', type: 'string', label: 'Custom Model Name', optional: true, placeholder: 'gemini-1.5-pro-exp-0801', description: 'Used instead of Model Name when set' },
    extraNumber('thinkingBudget', 'Thinking Budget', 'Tokens the model may spend thinking (Gemini 2.5)'),
    { name: 'thinkingLevel', kind: 'param', type: 'options', label: 'Thinking Level', optional: true, additionalParams: true, options: plainOptions('LOW', 'MEDIUM', 'HIGH') },
    extraNumber('maxOutputTokens', 'Max Output Tokens', 'Longest answer, in tokens'),
    { ...extraNumber('topP', 'Top Probability'), step: 0.1 },
    extraNumber('topK', 'Top Next Highest Probability Tokens'),
    { name: 'safetySettings', kind: 'param', type: 'array', label: 'Safety Settings', optional: true, additionalParams: true, description: 'Rows of harm category and block threshold', array: SAFETY_SETTING_FIELDS },
    { name: 'baseUrl', kind: 'param', type: 'string', label: 'Base URL', optional: true, additionalParams: true, placeholder: 'https://generativelanguage.googleapis.com', description: 'Another host for the API; empty uses Google' },
  ],
  async build(ctx) {
    const { inputs } = ctx;
    const apiKey = credentialField(ctx, 'googleGenerativeAPIKey');
    if (!apiKey) throw new FlowValidationError(`Node ${ctx.nodeId} (chatGoogleGenerativeAI): no Google AI API key; connect a googleGenerativeAI credential`, ctx.nodeId);
    const fields: GoogleGenerativeAIChatInput = {
      apiKey,
      model: asString(inputs.customModelName) ?? asString(inputs.modelName) ?? 'gemini-1.5-flash-latest',
      maxRetries: CLIENT_RETRIES,
    };
    const temperature = asNumber(inputs.temperature);
    if (temperature !== undefined) fields.temperature = temperature;
    const maxOutputTokens = asNumber(inputs.maxOutputTokens);
    if (maxOutputTokens !== undefined) fields.maxOutputTokens = maxOutputTokens;
    const topP = asNumber(inputs.topP);
    if (topP !== undefined) fields.topP = topP;
    const topK = asNumber(inputs.topK);
    if (topK !== undefined) fields.topK = topK;
    const baseUrl = asString(inputs.baseUrl);
    if (baseUrl) fields.baseUrl = baseUrl.replace(/\/+$/, '');
    const level = asString(inputs.thinkingLevel);
    const budget = asNumber(inputs.thinkingBudget);
    if (level) fields.thinkingConfig = { thinkingLevel: level, includeThoughts: true } as never;
    else if (budget !== undefined) fields.thinkingConfig = { thinkingBudget: budget, includeThoughts: true } as never;
    const safety = safetySettings(inputs.safetySettings);
    if (safety) fields.safetySettings = safety;
    return new (await offlineChatGoogle())(fields);
  },
};
