import type { CatalogueNode } from '../flow/types.js';
import { isParamType } from '../flow/init-node.js';

/**
 * A chatflow's configuration as the Configuration dialog edits it, read from and written back to the
 * three JSON-string columns Flowise keeps it in (Flowise's ChatflowConfigurationDialog):
 * - `chatbotConfig`: `starterPrompts: {"0": {prompt}, …}`, `chatFeedback: {status}`,
 *   `followUpPrompts: {status}`, `allowedOrigins: string[]`, `allowedOriginsError: string`;
 * - `apiConfig`: `rateLimit: {status, limitMax, limitDuration (seconds), limitMsg}` and
 *   `overrideConfig: {status, nodes: {<node label>: [{label, name, type, enabled}]}, variables: [{id, name, type, enabled}]}`;
 * - `followUpPrompts`: `{status, selectedProvider, <provider>: {credentialId, modelName, prompt, temperature, baseUrl?}}`.
 * Keys the dialog does not edit (leads, uploads, postProcessing…) are kept as they were.
 */
export interface ChatflowSettings {
  starterPrompts: string[];
  chatFeedback: boolean;
  followUp: FollowUpSettings;
  allowedOrigins: string[];
  allowedOriginsError: string;
  rateLimit: { status: boolean; limitMax: string; limitDuration: string; limitMsg: string };
  override: { status: boolean; nodes: Record<string, string[]>; variables: string[] };
}

export interface FollowUpSettings {
  status: boolean;
  selectedProvider: string;
  credentialId: string;
  modelName: string;
  prompt: string;
  temperature: string;
  /** The provider's base URL, for self-hosted or compatible APIs (Flowise reads it for Ollama). */
  baseUrl: string;
}

/** Flowise's follow-up prompt providers (FollowUpPromptProvider) and the credential each takes. */
export const FOLLOW_UP_PROVIDERS = [
  { name: 'chatOpenAI', label: 'OpenAI', credential: 'openAIApi' },
  { name: 'azureChatOpenAI', label: 'Azure OpenAI', credential: 'azureOpenAIApi' },
  { name: 'chatAnthropic', label: 'Anthropic', credential: 'anthropicApi' },
  { name: 'chatGoogleGenerativeAI', label: 'Google Gemini', credential: 'googleGenerativeAI' },
  { name: 'chatMistralAI', label: 'Mistral AI', credential: 'mistralAIApi' },
  { name: 'groqChat', label: 'Groq', credential: 'groqApi' },
  { name: 'ollama', label: 'Ollama', credential: '' },
] as const;

const DEFAULT_FOLLOW_UP_PROMPT = 'The conversation so far ended with this answer: {history}\nSuggest the three questions the user is most likely to ask next, each one short sentence.';

/** The inputs an API caller could override: one entry per node label (as the server keys them). */
export interface OverridableNode {
  label: string;
  inputs: Array<{ label: string; name: string; type: string }>;
}

type Json = Record<string, unknown>;

function parseObject(text: string | null | undefined): Json {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
  } catch {
    return {};
  }
}

const object = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const on = (value: unknown): boolean => value === true || value === 'true';
const enabledNames = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter((t) => object(t).enabled === true && typeof object(t).name === 'string').map((t) => object(t).name as string) : [];

const positiveNumber = (value: string) => value.trim() !== '' && Number.isFinite(Number(value)) && Number(value) > 0;

export interface StoredConfig {
  chatbotConfig?: string | null;
  apiConfig?: string | null;
  followUpPrompts?: string | null;
}

export function readSettings(stored: StoredConfig): ChatflowSettings {
  const chatbot = parseObject(stored.chatbotConfig);
  const api = parseObject(stored.apiConfig);
  const followUp = parseObject(stored.followUpPrompts);
  const rate = object(api.rateLimit);
  const override = object(api.overrideConfig);
  const provider = typeof followUp.selectedProvider === 'string' ? followUp.selectedProvider : 'chatOpenAI';
  const providerConfig = object(followUp[provider]);
  return {
    starterPrompts: Object.values(object(chatbot.starterPrompts))
      .map((p) => text(object(p).prompt))
      .filter((p) => p.trim() !== ''),
    chatFeedback: on(object(chatbot.chatFeedback).status),
    followUp: {
      status: on(followUp.status),
      selectedProvider: provider,
      credentialId: text(providerConfig.credentialId),
      modelName: text(providerConfig.modelName),
      prompt: text(providerConfig.prompt) || DEFAULT_FOLLOW_UP_PROMPT,
      temperature: text(providerConfig.temperature) || '0.9',
      baseUrl: text(providerConfig.baseUrl),
    },
    allowedOrigins: Array.isArray(chatbot.allowedOrigins) ? chatbot.allowedOrigins.filter((o): o is string => typeof o === 'string' && o !== '') : [],
    allowedOriginsError: text(chatbot.allowedOriginsError),
    rateLimit: { status: on(rate.status), limitMax: text(rate.limitMax), limitDuration: text(rate.limitDuration), limitMsg: text(rate.limitMsg) },
    override: {
      status: on(override.status),
      nodes: Object.fromEntries(Object.entries(object(override.nodes)).map(([label, list]) => [label, enabledNames(list)])),
      variables: enabledNames(override.variables),
    },
  };
}

/**
 * The three columns to send (`PUT /api/v1/chatflows/:id`), keeping every key the dialog does not edit.
 * `nodes` and `variables` list every overridable input and variable with its `enabled` flag, as Flowise does.
 */
export function writeSettings(stored: StoredConfig, settings: ChatflowSettings, nodes: OverridableNode[], variables: Array<{ id: string; name: string; type: string }>): Required<StoredConfig> {
  const chatbot = parseObject(stored.chatbotConfig);
  const api = parseObject(stored.apiConfig);
  const followUp = parseObject(stored.followUpPrompts);
  const { followUp: f, rateLimit: r, override: o } = settings;
  const origins = settings.allowedOrigins.map((s) => s.trim()).filter(Boolean);
  const prompts = settings.starterPrompts.map((s) => s.trim()).filter(Boolean);
  const newChatbot: Json = {
    ...chatbot,
    starterPrompts: Object.fromEntries(prompts.map((prompt, i) => [String(i), { prompt }])),
    chatFeedback: { status: settings.chatFeedback },
    followUpPrompts: { status: f.status },
    allowedOrigins: origins,
    allowedOriginsError: settings.allowedOriginsError,
  };
  const newApi: Json = {
    ...api,
    // Off keeps the numbers typed, so switching it on again finds them.
    rateLimit: {
      status: r.status,
      ...(positiveNumber(r.limitMax) ? { limitMax: Number(r.limitMax) } : {}),
      ...(positiveNumber(r.limitDuration) ? { limitDuration: Number(r.limitDuration) } : {}),
      limitMsg: r.limitMsg,
    },
    overrideConfig: {
      status: o.status,
      nodes: Object.fromEntries(nodes.map((n) => [n.label, n.inputs.map((input) => ({ ...input, enabled: o.nodes[n.label]?.includes(input.name) ?? false }))])),
      variables: variables.map((v) => ({ id: v.id, name: v.name, type: v.type, enabled: o.variables.includes(v.name) })),
    },
  };
  const newFollowUp: Json = {
    ...followUp,
    status: f.status,
    selectedProvider: f.selectedProvider,
    [f.selectedProvider]: {
      credentialId: f.credentialId,
      modelName: f.modelName,
      prompt: f.prompt,
      temperature: f.temperature === '' ? undefined : Number(f.temperature),
      ...(f.baseUrl.trim() ? { baseUrl: f.baseUrl.trim() } : {}),
    },
  };
  return { chatbotConfig: JSON.stringify(newChatbot), apiConfig: JSON.stringify(newApi), followUpPrompts: JSON.stringify(newFollowUp) };
}

/** Whether the server (allowed-origins.ts) reads `entry` as an origin or a host; `*` allows all. */
export function isOriginEntry(entry: string): boolean {
  const value = entry.trim();
  if (value === '*') return true;
  if (/\s/.test(value)) return false;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  try {
    const url = new URL(withScheme ? value : `http://${value}`);
    return url.host !== '' && (withScheme || (url.pathname === '/' && !value.includes('/')));
  } catch {
    return false;
  }
}

/** What is wrong with the settings, field by field (empty when they can be saved). */
export function settingsProblems(settings: ChatflowSettings): Record<string, string> {
  const problems: Record<string, string> = {};
  const badOrigins = settings.allowedOrigins.map((o) => o.trim()).filter((o) => o !== '' && !isOriginEntry(o));
  if (badOrigins.length > 0) problems.allowedOrigins = `Not a domain or origin: ${badOrigins.join(', ')} (write https://example.com, example.com or *)`;
  const r = settings.rateLimit;
  if (r.status && !(positiveNumber(r.limitMax) && Number.isInteger(Number(r.limitMax)))) problems.limitMax = 'The message limit must be a whole number above 0';
  if (r.status && !positiveNumber(r.limitDuration)) problems.limitDuration = 'The duration must be a number of seconds above 0';
  const f = settings.followUp;
  if (f.status && f.modelName.trim() === '') problems.followUpModel = 'Follow-up prompts need a model name';
  if (f.status && f.baseUrl.trim() !== '' && !/^https?:\/\/[^\s/]+/.test(f.baseUrl.trim())) problems.followUpBaseUrl = 'The base URL must start with http:// or https://';
  if (f.status && f.temperature !== '' && !(Number.isFinite(Number(f.temperature)) && Number(f.temperature) >= 0)) problems.followUpTemperature = 'The temperature must be a number of 0 or more';
  return problems;
}

/**
 * The flow's nodes and the inputs an API caller may override (params, not connections or credentials),
 * from the saved flowData and the node catalogue; nodes sharing a label are merged, as the server applies
 * overrides by label.
 */
export function overridableNodes(flowData: string, catalogue: ReadonlyMap<string, CatalogueNode>): OverridableNode[] {
  const flow = parseObject(flowData);
  const byLabel = new Map<string, Map<string, { label: string; name: string; type: string }>>();
  for (const node of Array.isArray(flow.nodes) ? flow.nodes : []) {
    const data = object(object(node).data);
    const def = typeof data.name === 'string' ? catalogue.get(data.name) : undefined;
    if (!def || object(node).type === 'stickyNote') continue;
    const label = text(data.label) || def.label;
    const inputs = byLabel.get(label) ?? new Map();
    for (const input of def.inputs) {
      if (isParamType(input.type) && input.type !== 'credential' && !input.hidden) inputs.set(input.name, { label: input.label, name: input.name, type: input.type });
    }
    if (inputs.size > 0) byLabel.set(label, inputs);
  }
  return [...byLabel].map(([label, inputs]) => ({ label, inputs: [...inputs.values()] }));
}
