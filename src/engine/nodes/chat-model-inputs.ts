import { FlowValidationError } from '../errors.js';
import type { BuildContext, InputSpec } from './node-definition.js';
import { asString } from './input-values.js';

/** The params every chat model has (flowise-nodes.md §3.1). */
export const COMMON_CHAT_MODEL_INPUTS: InputSpec[] = [
  { name: 'cache', kind: 'anchor', type: 'BaseCache', label: 'Cache', optional: true, description: 'Reserved: LLM caches are not run yet' },
  { name: 'modelName', kind: 'param', type: 'string', label: 'Model Name', optional: true },
  {
    name: 'temperature',
    kind: 'param',
    type: 'number',
    label: 'Temperature',
    optional: true,
    default: 0.9,
    step: 0.1,
    description: 'Higher values give more varied answers',
  },
  {
    name: 'streaming',
    kind: 'param',
    type: 'boolean',
    label: 'Streaming',
    optional: true,
    default: true,
    additionalParams: true,
    description: 'Send tokens to the client as they arrive',
  },
  {
    name: 'allowImageUploads',
    kind: 'param',
    type: 'boolean',
    label: 'Allow Image Uploads',
    optional: true,
    default: false,
    description: 'Pass images uploaded with a question to the model (vision models only)',
  },
];

/** The common inputs with the model name's default and placeholder set for one provider. */
export function chatModelInputs(model: { default?: string; placeholder?: string; optional?: boolean }): InputSpec[] {
  return COMMON_CHAT_MODEL_INPUTS.map((spec) => (spec.name === 'modelName' ? { ...spec, ...model } : spec));
}

/** A number param shown under "Additional Parameters". */
export const extraNumber = (name: string, label: string, description?: string): InputSpec => ({
  name,
  kind: 'param',
  type: 'number',
  label,
  optional: true,
  additionalParams: true,
  step: 1,
  ...(description ? { description } : {}),
});

/** `options` choices whose label is their value. */
export const plainOptions = (...names: string[]) => names.map((name) => ({ label: name, name }));

export const CHAT_MODEL_BASE_CLASSES = ['BaseChatModel', 'BaseLanguageModel', 'Runnable'];

/** A credential field: the node's inputs first (overrideConfig can set it), then the stored credential. */
export function credentialField(ctx: BuildContext, field: string): string | undefined {
  return asString(ctx.inputs[field]) ?? asString(ctx.credential[field]);
}

/** The reasoning toggle and its two options (chatOpenAI, azureChatOpenAI), with the efforts a provider offers. */
export function reasoningInputs(...efforts: string[]): InputSpec[] {
  return [
    {
      name: 'reasoning',
      kind: 'param',
      type: 'boolean',
      label: 'Reasoning',
      optional: true,
      default: false,
      additionalParams: true,
      description: 'Reasoning models (o-series, gpt-5): set the effort and summary below',
    },
    { name: 'reasoningEffort', kind: 'param', type: 'options', label: 'Reasoning Effort', optional: true, additionalParams: true, options: plainOptions(...efforts) },
    {
      name: 'reasoningSummary',
      kind: 'param',
      type: 'options',
      label: 'Reasoning Summary',
      optional: true,
      additionalParams: true,
      options: plainOptions('auto', 'concise', 'detailed'),
    },
  ];
}

/** A required credential field, or a FlowValidationError telling which credential to connect. */
export function requireCredentialField(ctx: BuildContext, field: string, credentialName: string): string {
  const value = credentialField(ctx, field);
  if (!value) throw new FlowValidationError(`Node ${ctx.nodeId}: no ${field}; connect a ${credentialName} credential`, ctx.nodeId);
  return value;
}

/** top-p, the two penalties and the timeout, as OpenAI-style nodes (OpenAI, Azure, DeepSeek) show them. */
export const OPENAI_STYLE_NUMBER_INPUTS: InputSpec[] = [
  { ...extraNumber('topP', 'Top Probability'), step: 0.1 },
  { ...extraNumber('frequencyPenalty', 'Frequency Penalty'), step: 0.1 },
  { ...extraNumber('presencePenalty', 'Presence Penalty'), step: 0.1 },
  extraNumber('timeout', 'Timeout', 'Milliseconds before a call to the model is given up'),
];
