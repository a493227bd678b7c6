import type { BuildContext, InputSpec } from './node-definition.js';
import { asString } from './input-values.js';

/** The params every chat model has (flowise-nodes.md §3.1). */
export const COMMON_CHAT_MODEL_INPUTS: InputSpec[] = [
  { name: 'cache', kind: 'anchor', type: 'BaseCache', optional: true },
  { name: 'modelName', kind: 'param', type: 'string', optional: true },
  { name: 'temperature', kind: 'param', type: 'number', optional: true },
  { name: 'streaming', kind: 'param', type: 'boolean', optional: true },
  { name: 'allowImageUploads', kind: 'param', type: 'boolean', optional: true },
];

export const CHAT_MODEL_BASE_CLASSES = ['BaseChatModel', 'BaseLanguageModel', 'Runnable'];

/** A credential field: the node's inputs first (overrideConfig can set it), then the stored credential. */
export function credentialField(ctx: BuildContext, field: string): string | undefined {
  return asString(ctx.inputs[field]) ?? asString(ctx.credential[field]);
}
