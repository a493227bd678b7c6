import type { BaseMessage } from '@langchain/core/messages';
import { messageClasses } from '../prompts/messages.js';
import type { AgentTool } from '../tools/agent-tool.js';
import { type TextAgentFormat, type TextDecision, type TextStep, describeTools } from './text-agent-loop.js';

/**
 * reactAgentChat's prompt: the ReAct protocol (Thought / Action / Action Input / Observation / Final
 * Answer) with the conversation so far. Flowise pulls `hwchase17/react-chat` from LangChain Hub at run
 * time; this text is ours and ships with the product, with the same protocol words.
 */
export function reactPrompt(tools: string, toolNames: string, history: string, input: string, scratchpad: string): string {
  return `You are an assistant that helps with questions and tasks of every kind, and you can use tools.

TOOLS:
------
These tools are available:

${tools}

To use a tool, write exactly:

Thought: Do I need to use a tool? Yes
Action: the tool to use, one of [${toolNames}]
Action Input: the input for the tool
Observation: the tool's result (this line is written for you)

When you can answer, or need no tool, write exactly:

Thought: Do I need to use a tool? No
Final Answer: your answer to the human

Begin!

Conversation so far:
${history}

New input: ${input}
${scratchpad}`;
}

const ACTION = /Action\s*\d*\s*:[\s]*(.*?)[\s]*Action\s*\d*\s*Input\s*\d*\s*:[\s]*(.*)/s;
const FINAL = 'Final Answer:';

/** Reads a ReAct reply: an action and its input, else the final answer (a reply in neither form is the answer itself). */
export function parseReact(text: string): TextDecision {
  const action = ACTION.exec(text);
  if (action && !text.includes(FINAL)) {
    const input = action[2]!.split(/\nObservation/)[0]!.trim().replace(/^"(.*)"$/s, '$1');
    return { kind: 'action', tool: action[1]!.trim(), input };
  }
  const at = text.lastIndexOf(FINAL);
  return { kind: 'final', answer: at === -1 ? text : text.slice(at + FINAL.length) };
}

export function reactFormat(tools: readonly AgentTool[], history: string, input: string): TextAgentFormat {
  const described = describeTools(tools);
  return {
    stop: ['\nObservation:'],
    parse: parseReact,
    async messages(steps: TextStep[]): Promise<BaseMessage[]> {
      const { HumanMessage } = await messageClasses();
      const scratchpad = steps.map((step) => `${step.log}\nObservation: ${step.observation}\nThought:`).join(' ');
      return [new HumanMessage(reactPrompt(described.tools, described.toolNames, history, input, scratchpad))];
    },
  };
}
