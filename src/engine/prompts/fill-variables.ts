import { FlowValidationError } from '../errors.js';
import type { PromptInstance } from '../nodes/prompt-instances.js';

/**
 * llmChain's variable filling (flowise-nodes.md §3.3): values come from `promptValues`; exactly one
 * variable without a value takes the question; more than one is an error.
 */
export function fillPromptVariables(prompt: PromptInstance, question: string, nodeId: string): Record<string, unknown> {
  const values: Record<string, unknown> = { ...prompt.promptValues };
  const missing = prompt.variables.filter((name) => values[name] === undefined || values[name] === null);
  if (missing.length === 1) values[missing[0]!] = question;
  else if (missing.length > 1) {
    throw new FlowValidationError(`Node ${nodeId} (llmChain): Please provide Prompt Values for: ${missing.join(', ')}`, nodeId);
  }
  return values;
}
