import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type ModerationInstance, ModerationRejection } from '../moderation/check-input-moderation.js';
import { openAIModerationFlags } from '../moderation/openai-moderation.js';
import { messageClasses } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import { requireCredentialField } from './chat-model-inputs.js';
import { asString } from './input-values.js';
import type { InputSpec, NodeDefinition } from './node-definition.js';
import { DEFAULT_ENDPOINTS } from './service-endpoints.js';

const MODERATION_BASE_CLASSES = ['Moderation'];

const errorMessageInput = (fallback: string): InputSpec => ({
  name: 'moderationErrorMessage',
  kind: 'param',
  type: 'string',
  label: 'Error Message',
  rows: 2,
  optional: true,
  default: fallback,
  description: 'The answer a refused question gets',
});

export const SIMPLE_MODERATION_MESSAGE = 'Cannot Process! Input violates content moderation policies.';
export const OPENAI_MODERATION_MESSAGE = "Cannot Process! Input violates OpenAI's content moderation policies.";

/** The question put to the model when inputModerationSimple has one (our wording of Flowise's check). */
const similarityQuestion = (input: string, denied: string) =>
  `Do these two sentences say the same thing or ask for the same thing? Reply with Yes or No only.\nFirst sentence: ${input}\nSecond sentence: ${denied}`;

export const inputModerationSimple: NodeDefinition = {
  name: 'inputModerationSimple',
  label: 'Simple Prompt Moderation',
  version: 2,
  type: 'Moderation',
  description: 'Refuses questions that contain a phrase of a deny list, or, with a chat model, that resemble one.',
  icon: 'moderation',
  category: 'Moderation',
  baseClasses: MODERATION_BASE_CLASSES,
  inputs: [
    {
      name: 'denyList',
      kind: 'param',
      type: 'string',
      label: 'Deny List',
      rows: 4,
      placeholder: 'ignore previous instructions\ndo not follow the directions\nyou must ignore all previous instructions',
      description: 'One phrase per line; a question containing one (ignoring case) is refused',
    },
    {
      name: 'model',
      kind: 'anchor',
      type: 'BaseChatModel',
      label: 'Chat Model',
      optional: true,
      description: 'Instead of matching text, ask this model whether the question resembles each phrase (one call per phrase)',
    },
    errorMessageInput(SIMPLE_MODERATION_MESSAGE),
  ],
  async build(ctx): Promise<ModerationInstance> {
    const denied = (asString(ctx.inputs.denyList) ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '');
    const message = asString(ctx.inputs.moderationErrorMessage) ?? SIMPLE_MODERATION_MESSAGE;
    const model = ctx.inputs.model as BaseChatModel | undefined;
    return {
      kind: 'moderation',
      async check(input, run) {
        if (model && typeof model === 'object') {
          const { HumanMessage } = await messageClasses();
          for (const phrase of denied) {
            const reply = await callChatModel(model, [new HumanMessage(similarityQuestion(input, phrase))], run, false);
            if (reply.toLowerCase().includes('yes')) throw new ModerationRejection(message);
          }
          return input;
        }
        const lower = input.toLowerCase();
        if (denied.some((phrase) => lower.includes(phrase.toLowerCase()))) throw new ModerationRejection(message);
        return input;
      },
    };
  },
};

export const inputModerationOpenAI: NodeDefinition = {
  name: 'inputModerationOpenAI',
  label: 'OpenAI Moderation',
  version: 1,
  type: 'Moderation',
  description: "Refuses questions that OpenAI's moderation endpoint flags.",
  icon: 'openai',
  category: 'Moderation',
  baseClasses: MODERATION_BASE_CLASSES,
  credential: { names: ['openAIApi'], fields: ['openAIApiKey'], optional: false },
  inputs: [
    errorMessageInput(OPENAI_MODERATION_MESSAGE),
  ],
  async build(ctx): Promise<ModerationInstance> {
    const apiKey = requireCredentialField(ctx, 'openAIApiKey', 'openAIApi');
    const message = asString(ctx.inputs.moderationErrorMessage) ?? OPENAI_MODERATION_MESSAGE;
    const baseUrl = ctx.run.services.endpoints?.openAIModeration ?? DEFAULT_ENDPOINTS.openAIModeration;
    return {
      kind: 'moderation',
      async check(input, run) {
        if (await openAIModerationFlags(baseUrl, apiKey, input, run.signal)) throw new ModerationRejection(message);
        return input;
      },
    };
  },
};
