import { type ParsedTemplate, parseTemplate } from '../prompts/template.js';

/** What prompt nodes build: parsed templates plus their resolved `promptValues`. */
export type PromptInstance =
  | { kind: 'string'; template: ParsedTemplate; promptValues: Record<string, unknown>; variables: string[] }
  | {
      kind: 'chat';
      system: ParsedTemplate;
      human: ParsedTemplate;
      promptValues: Record<string, unknown>;
      variables: string[];
    };

export const PROMPT_BASE_CLASSES = ['BasePromptTemplate', 'Runnable'];

export function stringPrompt(template: string, promptValues: Record<string, unknown>): PromptInstance {
  const parsed = parseTemplate(template);
  return { kind: 'string', template: parsed, promptValues, variables: parsed.variables };
}

export function chatPrompt(system: string, human: string, promptValues: Record<string, unknown>): PromptInstance {
  const systemTemplate = parseTemplate(system);
  const humanTemplate = parseTemplate(human);
  const variables = [...new Set([...systemTemplate.variables, ...humanTemplate.variables])];
  return { kind: 'chat', system: systemTemplate, human: humanTemplate, promptValues, variables };
}

export function isPromptInstance(value: unknown): value is PromptInstance {
  return typeof value === 'object' && value !== null && ((value as { kind?: unknown }).kind === 'string' || (value as { kind?: unknown }).kind === 'chat');
}

/**
 * The prompt with an output parser's instructions appended as `\n{format_instructions}` (Flowise's
 * injectOutputParser): to a string prompt's template, or to a chat prompt's system message; the
 * instructions become the variable's value.
 */
export function withFormatInstructions(prompt: PromptInstance, instructions: string): PromptInstance {
  const append = (template: ParsedTemplate): ParsedTemplate => ({
    parts: [...template.parts, { literal: '\n' }, { variable: 'format_instructions' }],
    variables: [...new Set([...template.variables, 'format_instructions'])],
  });
  const promptValues = { ...prompt.promptValues, format_instructions: instructions };
  const variables = [...new Set([...prompt.variables, 'format_instructions'])];
  if (prompt.kind === 'string') return { ...prompt, template: append(prompt.template), promptValues, variables };
  return { ...prompt, system: append(prompt.system), promptValues, variables };
}
