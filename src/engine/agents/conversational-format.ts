import type { BaseMessage } from '@langchain/core/messages';
import { messageClasses } from '../prompts/messages.js';
import { renderTemplate, type ParsedTemplate } from '../prompts/template.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { type TextAgentFormat, type TextDecision, type TextStep, describeTools } from './text-agent-loop.js';

/**
 * conversationalAgent's protocol (LangChain's chat-conversational agent): the model answers with one
 * JSON blob `{"action": <tool name or "Final Answer">, "action_input": …}` in a ```json block; tool
 * results come back as a human message. The texts are ours; the JSON keys are the protocol's.
 */
export const DEFAULT_CONVERSATIONAL_SYSTEM_MESSAGE = `You are an assistant that helps with questions and tasks of every kind: you answer simple questions, explain subjects in depth, and hold a natural conversation.

You write clear, relevant text that fits the conversation, and you can use tools to look up what you do not know.`;

function userTurn(tools: string, toolNames: string, input: string): string {
  return `TOOLS
------
To find information that helps you answer, you can ask for one of these tools to be used:

${tools}

RESPONSE FORMAT
---------------
Reply in one of two ways, always as a Markdown code block holding one JSON object:

1. To use a tool:
\`\`\`json
{"action": "one of ${toolNames}", "action_input": "the input for the tool"}
\`\`\`

2. To answer the human directly:
\`\`\`json
{"action": "Final Answer", "action_input": "your answer"}
\`\`\`

USER'S INPUT
------------
The user's input (reply with a single JSON code block and nothing else):

${input}`;
}

const toolResultTurn = (observation: string) => `TOOL RESPONSE:
--------------
${observation}

USER'S INPUT
------------
What is your reply to my last message? If you use what the tools found, say it in your own words without naming the tools (I cannot see their responses). Reply with a single JSON code block and nothing else.`;

/** Reads the JSON blob; a reply without one is taken as the final answer, as it stands. */
export function parseConversational(text: string): TextDecision {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = (fenced ? fenced[1]! : text).trim();
  let blob: unknown;
  try {
    blob = JSON.parse(candidate);
  } catch {
    return { kind: 'final', answer: text };
  }
  const { action, action_input: actionInput } = (blob ?? {}) as { action?: unknown; action_input?: unknown };
  if (typeof action !== 'string') return { kind: 'final', answer: text };
  if (action === 'Final Answer') return { kind: 'final', answer: typeof actionInput === 'string' ? actionInput : JSON.stringify(actionInput) };
  return { kind: 'action', tool: action, input: actionInput ?? '' };
}

export function conversationalFormat(tools: readonly AgentTool[], system: ParsedTemplate, history: BaseMessage[], input: string): TextAgentFormat {
  const described = describeTools(tools);
  return {
    stop: ['\nObservation'],
    parse: parseConversational,
    async messages(steps: TextStep[]): Promise<BaseMessage[]> {
      const { AIMessage, HumanMessage, SystemMessage } = await messageClasses();
      const scratchpad = steps.flatMap((step) => [new AIMessage(step.log), new HumanMessage(toolResultTurn(step.observation))]);
      return [
        new SystemMessage(renderTemplate(system, {})),
        ...history,
        new HumanMessage(userTurn(described.tools, described.toolNames, input)),
        ...scratchpad,
      ];
    },
  };
}
