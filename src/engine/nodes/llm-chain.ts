import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { FlowValidationError } from '../errors.js';
import { imageParts, withImagesOnLastMessage } from '../files/uploads.js';
import type { FlowResult } from '../events/run-event.js';
import { checkInputModeration } from '../moderation/check-input-moderation.js';
import { type OutputParserInstance, isOutputParserInstance } from '../output-parsers/output-parser.js';
import { parseModelOutput } from '../output-parsers/parse-model-output.js';
import { fillPromptVariables } from '../prompts/fill-variables.js';
import { promptToMessages } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import type { NodeDefinition, RunContext } from './node-definition.js';
import { type PromptInstance, isPromptInstance, withFormatInstructions } from './prompt-instances.js';
import { INPUT_MODERATION_INPUT } from './shared-inputs.js';

interface LlmChainInstance {
  kind: 'llmChain';
  nodeId: string;
  model: BaseChatModel;
  prompt: PromptInstance;
  parser?: OutputParserInstance;
  moderations: unknown;
  /** chainTool: runs the chain with another question, without streaming. */
  invokeChain(question: string, ctx: RunContext): Promise<FlowResult>;
}

/**
 * One run: input moderation (a refusal is the answer), variable filling, the model call, then the
 * output parser when one is connected: its value is always `{json}`, whatever the schema's top level
 * (an object or array as Flowise's formatResponse, and a string, number or boolean alike).
 */
async function runChain(chain: LlmChainInstance, question: string, ctx: RunContext, stream: boolean): Promise<FlowResult> {
  const moderated = await checkInputModeration(chain.moderations, question, { ...ctx, streaming: stream });
  if (moderated.rejected) return { text: moderated.message };
  const values = fillPromptVariables(chain.prompt, moderated.question, chain.nodeId);
  // A flow with an output parser never streams (flowise-nodes.md §2.6 rule 5).
  // Uploaded images go before the text of the prompt's human message (Flowise's LLMChain).
  const messages = await withImagesOnLastMessage(await promptToMessages(chain.prompt, values), await imageParts(chain.model, ctx));
  const text = await callChatModel(chain.model, messages, ctx, stream && !chain.parser);
  if (!chain.parser) return { text };
  const parsed = await parseModelOutput(chain.parser, text, chain.model, ctx);
  return { json: parsed };
}

export const llmChain: NodeDefinition = {
  name: 'llmChain',
  label: 'LLM Chain',
  version: 3,
  type: 'LLMChain',
  description: 'Fills a prompt and sends it to a model; ends the flow, or passes its answer to another prompt.',
  icon: 'chain',
  category: 'Chains',
  baseClasses: ['LLMChain', 'BaseChain', 'Runnable'],
  passesImages: true,
  inputs: [
    { name: 'model', kind: 'anchor', type: 'BaseLanguageModel', label: 'Language Model' },
    { name: 'prompt', kind: 'anchor', type: 'BasePromptTemplate', label: 'Prompt' },
    {
      name: 'outputParser',
      kind: 'anchor',
      type: 'BaseLLMOutputParser',
      label: 'Output Parser',
      optional: true,
      description: 'Turns the answer into JSON; its format instructions are added to the prompt',
    },
    INPUT_MODERATION_INPUT,
    { name: 'chainName', kind: 'param', type: 'string', label: 'Chain Name', optional: true, placeholder: 'Name Your Chain' },
  ],
  outputs: [
    { label: 'LLM Chain', name: 'llmChain', baseClasses: ['LLMChain', 'BaseChain', 'Runnable'] },
    {
      label: 'Output Prediction',
      name: 'outputPrediction',
      baseClasses: ['string', 'json'],
      description: "The chain's answer, for another prompt's values",
    },
  ],
  async build(ctx) {
    const { model, prompt, outputParser } = ctx.inputs;
    if (!isPromptInstance(prompt)) {
      throw new FlowValidationError(`Node ${ctx.nodeId} (llmChain): input "prompt" is not a prompt template`, ctx.nodeId);
    }
    const parser = isOutputParserInstance(outputParser) ? outputParser : undefined;
    const chain: LlmChainInstance = {
      kind: 'llmChain',
      nodeId: ctx.nodeId,
      model: model as BaseChatModel,
      // The parser's format instructions go into the prompt as `{format_instructions}` (§3.3).
      prompt: parser ? withFormatInstructions(prompt, parser.formatInstructions) : prompt,
      ...(parser ? { parser } : {}),
      moderations: ctx.inputs.inputModeration,
      invokeChain: (question, run) => runChain(chain, question, run, false),
    };
    // outputPrediction: the chain runs now, without streaming; its text (or parsed JSON) is the instance.
    if (ctx.outputs.output === 'outputPrediction') {
      const result = await runChain(chain, ctx.run.question, ctx.run, false);
      return result.json !== undefined ? result.json : result.text;
    }
    return chain;
  },
  async run(instance, ctx): Promise<FlowResult> {
    return runChain(instance as LlmChainInstance, ctx.question, ctx, ctx.streaming);
  },
};
