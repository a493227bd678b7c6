import type { MessageContent } from '@langchain/core/messages';
import { contentText } from '../run/call-model.js';

/**
 * LangChain counts tokens with tiktoken ranks it downloads at run time; offline that download retries
 * for minutes and stalls the prediction. Our models count approximately (4 characters a token) instead,
 * which is what LangChain itself falls back to.
 */
export function approximateTokenCount(content: MessageContent): number {
  return Math.ceil(contentText(content).length / 4);
}
