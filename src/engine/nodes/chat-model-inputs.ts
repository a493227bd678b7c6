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
