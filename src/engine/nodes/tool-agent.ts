import { agentResult } from '../agents/agent-result.js';
import { runToolCallingLoop } from '../agents/tool-calling-loop.js';
import type { FlowResult } from '../events/run-event.js';
import { checkInputModeration } from '../moderation/check-input-moderation.js';
import { type ConversationPrompt, conversationPrompt, memoryMessages, renderConversation } from '../prompts/conversation-prompt.js';
import { AGENT_BASE_CLASSES, type AgentParts, MAX_ITERATIONS_INPUT, TOOLS_INPUT, agentParts } from './agent-inputs.js';
import { asString } from './input-values.js';
import type { NodeDefinition, RunContext } from './node-definition.js';
import { CHAT_PROMPT_TEMPLATE_INPUT, INPUT_MODERATION_INPUT, systemMessageInput } from './shared-inputs.js';

export const DEFAULT_TOOL_AGENT_SYSTEM_MESSAGE = 'You are a helpful AI assistant.';

interface ToolAgentInstance extends AgentParts {
  nodeId: string;
  prompt: ConversationPrompt;
}

export const toolAgent: NodeDefinition = {
  name: 'toolAgent',
  label: 'Tool Agent',
  version: 2,
  type: 'AgentExecutor',
  description: "An agent that lets a chat model call tools through the model's own tool calling, then answers.",
  icon: 'toolAgent',
  category: 'Agents',
  baseClasses: AGENT_BASE_CLASSES,
  inputs: [
    TOOLS_INPUT,
    { name: 'memory', kind: 'anchor', type: 'BaseChatMemory', label: 'Memory' },
    {
      name: 'model',
      kind: 'anchor',
      type: 'BaseChatModel',
      label: 'Tool Calling Chat Model',
      description: 'A chat model that can call tools: OpenAI, Azure OpenAI, Anthropic, Ollama, Mistral, Gemini, Groq, DeepSeek',
    },
    CHAT_PROMPT_TEMPLATE_INPUT,
    systemMessageInput('systemMessage', DEFAULT_TOOL_AGENT_SYSTEM_MESSAGE, 'Ignored when a chat prompt template is connected'),
    INPUT_MODERATION_INPUT,
    MAX_ITERATIONS_INPUT,
    {
      name: 'enableDetailedStreaming',
      kind: 'param',
      type: 'boolean',
      label: 'Enable Detailed Streaming',
      optional: true,
      default: false,
      additionalParams: true,
      description: 'Accepted for compatibility; intermediate steps are not streamed (used tools arrive after the answer)',
    },
  ],
  async build(ctx): Promise<ToolAgentInstance> {
    const system = asString(ctx.inputs.systemMessage) ?? DEFAULT_TOOL_AGENT_SYSTEM_MESSAGE;
    return {
      ...agentParts(ctx, 'toolAgent'),
      nodeId: ctx.nodeId,
      prompt: conversationPrompt(ctx.nodeId, 'toolAgent', system, ctx.inputs.chatPromptTemplate),
    };
  },
  async run(instance, ctx: RunContext): Promise<FlowResult> {
    const agent = instance as ToolAgentInstance;
    const moderated = await checkInputModeration(agent.moderations, ctx.question, ctx);
    if (moderated.rejected) return { text: moderated.message };
    const history = await memoryMessages(agent.memory, ctx, agent.model);
    const outcome = await runToolCallingLoop({
      nodeId: agent.nodeId,
      model: agent.model,
      tools: agent.tools,
      messages: await renderConversation(agent.prompt, history, moderated.question),
      maxIterations: agent.maxIterations,
      ctx,
      stream: ctx.streaming,
    });
    return agentResult(outcome, ctx, ctx.streaming);
  },
};
