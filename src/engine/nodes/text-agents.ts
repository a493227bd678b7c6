import { agentResult } from '../agents/agent-result.js';
import { DEFAULT_CONVERSATIONAL_SYSTEM_MESSAGE, conversationalFormat } from '../agents/conversational-format.js';
import { reactFormat } from '../agents/react-format.js';
import { runTextAgentLoop } from '../agents/text-agent-loop.js';
import type { FlowResult } from '../events/run-event.js';
import { checkInputModeration } from '../moderation/check-input-moderation.js';
import { memoryMessages } from '../prompts/conversation-prompt.js';
import { parseTemplate } from '../prompts/template.js';
import { AGENT_BASE_CLASSES, type AgentParts, MAX_ITERATIONS_INPUT, TOOLS_INPUT, agentParts } from './agent-inputs.js';
import { asString } from './input-values.js';
import { historyAsText } from './memory-instance.js';
import type { NodeDefinition, RunContext } from './node-definition.js';
import { INPUT_MODERATION_INPUT, systemMessageInput } from './shared-inputs.js';

interface TextAgentInstance extends AgentParts {
  nodeId: string;
  systemMessage: string;
}

const MODEL_INPUT = { name: 'model', kind: 'anchor', type: 'BaseChatModel', label: 'Chat Model' } as const;
const MEMORY_INPUT = { name: 'memory', kind: 'anchor', type: 'BaseChatMemory', label: 'Memory' } as const;

/** Moderation first; a refusal is the answer (these agents never stream, so nothing is streamed). */
async function moderated(agent: TextAgentInstance, ctx: RunContext): Promise<{ question: string } | { answer: FlowResult }> {
  const outcome = await checkInputModeration(agent.moderations, ctx.question, { ...ctx, streaming: false });
  return outcome.rejected ? { answer: { text: outcome.message } } : { question: outcome.question };
}

export const conversationalAgent: NodeDefinition = {
  name: 'conversationalAgent',
  label: 'Conversational Agent',
  version: 3,
  type: 'AgentExecutor',
  description: 'A chat agent for models without tool calling: it asks for tools in JSON written in its answer.',
  icon: 'agent',
  category: 'Agents',
  baseClasses: AGENT_BASE_CLASSES,
  inputs: [
    { ...TOOLS_INPUT, label: 'Allowed Tools' },
    MODEL_INPUT,
    MEMORY_INPUT,
    systemMessageInput('systemMessage', DEFAULT_CONVERSATIONAL_SYSTEM_MESSAGE),
    INPUT_MODERATION_INPUT,
    MAX_ITERATIONS_INPUT,
  ],
  async build(ctx): Promise<TextAgentInstance> {
    return {
      ...agentParts(ctx, 'conversationalAgent'),
      nodeId: ctx.nodeId,
      systemMessage: asString(ctx.inputs.systemMessage) ?? DEFAULT_CONVERSATIONAL_SYSTEM_MESSAGE,
    };
  },
  async run(instance, ctx): Promise<FlowResult> {
    const agent = instance as TextAgentInstance;
    const checked = await moderated(agent, ctx);
    if ('answer' in checked) return checked.answer;
    const history = await memoryMessages(agent.memory, ctx, agent.model);
    const format = conversationalFormat(agent.tools, parseTemplate(agent.systemMessage), history, checked.question);
    const outcome = await runTextAgentLoop({ model: agent.model, tools: agent.tools, format, maxIterations: agent.maxIterations, ctx });
    return agentResult(outcome, ctx, false);
  },
};

export const reactAgentChat: NodeDefinition = {
  name: 'reactAgentChat',
  label: 'ReAct Agent for Chat Models',
  version: 4,
  type: 'AgentExecutor',
  description: 'An agent that reasons step by step in text (Thought, Action, Observation) and calls tools by name.',
  icon: 'agent',
  category: 'Agents',
  baseClasses: AGENT_BASE_CLASSES,
  inputs: [{ ...TOOLS_INPUT, label: 'Allowed Tools' }, MODEL_INPUT, MEMORY_INPUT, INPUT_MODERATION_INPUT, MAX_ITERATIONS_INPUT],
  async build(ctx): Promise<TextAgentInstance> {
    return { ...agentParts(ctx, 'reactAgentChat'), nodeId: ctx.nodeId, systemMessage: '' };
  },
  async run(instance, ctx): Promise<FlowResult> {
    const agent = instance as TextAgentInstance;
    const checked = await moderated(agent, ctx);
    if ('answer' in checked) return checked.answer;
    const history = historyAsText(await agent.memory.loadTurns(ctx));
    const format = reactFormat(agent.tools, history, checked.question);
    const outcome = await runTextAgentLoop({ model: agent.model, tools: agent.tools, format, maxIterations: agent.maxIterations, ctx });
    // Flowise's ReAct agent answers the text alone, without usedTools.
    return { text: outcome.text };
  },
};
