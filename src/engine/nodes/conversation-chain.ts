import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BaseMessage } from '@langchain/core/messages';
import { FlowValidationError } from '../errors.js';
import { humanMessageWithImages, imageParts } from '../files/uploads.js';
import type { FlowResult } from '../events/run-event.js';
import { messageClasses, turnsToMessages } from '../prompts/messages.js';
import { parseTemplate, renderTemplate, type ParsedTemplate } from '../prompts/template.js';
import { callChatModel } from '../run/call-model.js';
import { asString } from './input-values.js';
import { isMemoryInstance, type MemoryInstance } from './memory-instance.js';
import type { NodeDefinition } from './node-definition.js';
import { isPromptInstance } from './prompt-instances.js';

export const DEFAULT_CONVERSATION_SYSTEM_MESSAGE =
  'The following is a friendly conversation between a human and an AI. The AI is talkative and provides lots of specific details from its context. If the AI does not know the answer to a question, it truthfully says it does not know.';

interface ConversationChainInstance {
  kind: 'conversationChain';
  nodeId: string;
  model: BaseChatModel;
  memory: MemoryInstance;
  system: ParsedTemplate;
  human: ParsedTemplate;
  constants: Record<string, unknown>;
}

/** LangChain's ChatOpenAI (not its Azure subclass), which Flowise's ConversationChain treats apart. */
const isOpenAiChatModel = (model: BaseChatModel) => model._llmType() === 'openai';

function render(nodeId: string, template: ParsedTemplate, values: Record<string, unknown>): string {
  const missing = template.variables.filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length > 0) {
    throw new FlowValidationError(`Node ${nodeId} (conversationChain): Missing value for input variable ${missing.join(', ')}`, nodeId);
  }
  return renderTemplate(template, values);
}

export const conversationChain: NodeDefinition = {
  name: 'conversationChain',
  label: 'Conversation Chain',
  version: 3,
  type: 'ConversationChain',
  description: 'A chat with memory: the system message, the conversation so far and the question go to a chat model.',
  icon: 'chain',
  category: 'Chains',
  baseClasses: ['ConversationChain', 'LLMChain', 'BaseChain', 'Runnable'],
  passesImages: true,
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseChatModel', label: 'Chat Model' },
    { name: 'memory', kind: 'anchor', type: 'BaseMemory', label: 'Memory' },
    {
      name: 'chatPromptTemplate',
      kind: 'anchor',
      type: 'ChatPromptTemplate',
      label: 'Chat Prompt Template',
      optional: true,
      description: 'Replaces the system message; its human message must contain {input}',
    },
    {
      name: 'inputModeration',
      kind: 'anchor',
      type: 'Moderation',
      label: 'Input Moderation',
      optional: true,
      list: true,
      description: 'Checks the question before the model sees it',
    },
    {
      name: 'systemMessagePrompt',
      kind: 'param',
      type: 'string',
      label: 'System Message',
      optional: true,
      rows: 4,
      additionalParams: true,
      default: DEFAULT_CONVERSATION_SYSTEM_MESSAGE,
    },
  ],
  async build(ctx) {
    const { model, memory, chatPromptTemplate } = ctx.inputs;
    if (!isMemoryInstance(memory)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (conversationChain): input "memory" is not a memory`, ctx.nodeId);
    }
    let system = parseTemplate(asString(ctx.inputs.systemMessagePrompt) ?? DEFAULT_CONVERSATION_SYSTEM_MESSAGE);
    let human = parseTemplate('{input}');
    let constants: Record<string, unknown> = {};
    // A chat prompt template replaces the system message; only its first and last messages are used.
    if (isPromptInstance(chatPromptTemplate) && chatPromptTemplate.kind === 'chat') {
      if (!chatPromptTemplate.human.variables.includes('input')) {
        throw new FlowValidationError(
          `Node ${ctx.nodeId} (conversationChain): the chat prompt template's human message must contain {input}`,
          ctx.nodeId,
        );
      }
      system = chatPromptTemplate.system.parts.length > 0 ? chatPromptTemplate.system : system;
      human = chatPromptTemplate.human;
      constants = chatPromptTemplate.promptValues;
    }
    const chain: ConversationChainInstance = {
      kind: 'conversationChain',
      nodeId: ctx.nodeId,
      model: model as BaseChatModel,
      memory,
      system,
      human,
      constants,
    };
    return chain;
  },
  async run(instance, ctx): Promise<FlowResult> {
    const chain = instance as ConversationChainInstance;
    const history = await chain.memory.loadTurns(ctx);
    const { HumanMessage, SystemMessage } = await messageClasses();
    const values = { ...chain.constants, input: ctx.question };
    const human = render(chain.nodeId, chain.human, values);
    const images = await imageParts(chain.model, ctx);
    const messages: BaseMessage[] = [new SystemMessage(render(chain.nodeId, chain.system, values)), ...(await turnsToMessages(history))];
    // Flowise sends OpenAI the images as a message of their own after the question; other models get
    // them in the question's message, after its text.
    if (images.length > 0 && isOpenAiChatModel(chain.model)) messages.push(new HumanMessage(human), new HumanMessage({ content: images }));
    else messages.push(await humanMessageWithImages(human, images, 'text-first'));
    return { text: await callChatModel(chain.model, messages, ctx, ctx.streaming) };
  },
};
