import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { RunContext } from '../nodes/node-definition.js';
import { messageClasses } from '../prompts/messages.js';
import { callChatModel } from '../run/call-model.js';
import { type OutputParserInstance, OutputParseError } from './output-parser.js';

/** The request for a corrected answer (LangChain's output-fixing parser does the same, in its words). */
function fixRequest(parser: OutputParserInstance, answer: string, problem: string): string {
  return [
    'An answer was supposed to follow these instructions:',
    '---',
    parser.formatInstructions,
    '---',
    'This was the answer:',
    '---',
    answer,
    '---',
    `It could not be used: ${problem}`,
    'Write the answer again so that it follows the instructions exactly. Reply with the corrected answer only.',
  ].join('\n');
}

/**
 * Parses a model's answer with an output parser. With `autofix` on, a failed parse sends the
 * instructions, the answer and the error back to the same model once (not streamed) and parses its
 * reply; a second failure, or any failure without autofix, is an OutputParseError.
 */
export async function parseModelOutput(parser: OutputParserInstance, text: string, model: BaseChatModel, ctx: RunContext): Promise<unknown> {
  try {
    return parser.parse(text);
  } catch (error) {
    if (!(error instanceof OutputParseError) || !parser.autofix) throw error;
    const { HumanMessage } = await messageClasses();
    const fixed = await callChatModel(model, [new HumanMessage(fixRequest(parser, text, error.message))], ctx, false);
    return parser.parse(fixed);
  }
}
