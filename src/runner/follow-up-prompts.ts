import { z } from 'zod';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { EngineServices } from '../engine/nodes/node-definition.js';
import type { NodeRegistry } from '../engine/nodes/node-registry.js';
import { buildStandaloneNode, standaloneContext } from '../engine/run/standalone-node.js';
import { errorMessage } from '../shared/app-error.js';
import type { Logger } from '../shared/logger.js';

/**
 * A chatflow's follow-up prompts setting, as Flowise stores it in the `followUpPrompts` column:
 * `{status, selectedProvider, <provider>: {credentialId, modelName, prompt, temperature, baseUrl?}}`.
 */
export interface FollowUpConfig {
  /** A chat model node name of the registry (Flowise's provider names; `ollama` is our `chatOllama`). */
  nodeName: string;
  credentialId?: string;
  modelName: string;
  /** The instruction; `{history}` is replaced by the answer. */
  prompt: string;
  temperature?: number;
  /** The provider's base URL (Flowise reads it for Ollama only; here for every provider, for self-hosted APIs). */
  baseUrl?: string;
}

/** Flowise's provider name → our chat model node. */
const PROVIDER_NODES: Record<string, string> = {
  chatOpenAI: 'chatOpenAI',
  azureChatOpenAI: 'azureChatOpenAI',
  chatAnthropic: 'chatAnthropic',
  chatGoogleGenerativeAI: 'chatGoogleGenerativeAI',
  chatMistralAI: 'chatMistralAI',
  groqChat: 'groqChat',
  ollama: 'chatOllama',
};

const providerSchema = z.looseObject({
  credentialId: z.string().optional(),
  modelName: z.string().trim().min(1),
  prompt: z.string().trim().min(1),
  temperature: z.union([z.number(), z.string()]).optional(),
  baseUrl: z.string().optional(),
});

/** The enabled setting, or undefined when it is off, unreadable or incomplete (no model or prompt). */
export function parseFollowUpConfig(text: string | null | undefined): FollowUpConfig | undefined {
  if (!text) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!parsed || (parsed.status !== true && parsed.status !== 'true') || typeof parsed.selectedProvider !== 'string') return undefined;
  const nodeName = PROVIDER_NODES[parsed.selectedProvider];
  const provider = providerSchema.safeParse(parsed[parsed.selectedProvider]);
  if (!nodeName || !provider.success) return undefined;
  const { credentialId, modelName, prompt, temperature, baseUrl } = provider.data;
  const degrees = temperature === undefined || temperature === '' ? undefined : Number(temperature);
  return {
    nodeName,
    modelName,
    prompt,
    ...(credentialId ? { credentialId } : {}),
    ...(degrees !== undefined && Number.isFinite(degrees) ? { temperature: degrees } : {}),
    ...(baseUrl?.trim() ? { baseUrl: baseUrl.trim() } : {}),
  };
}

/** What the model is asked to answer with (every provider the same way: a JSON object in the text). */
const FORMAT = '\n\nAnswer with a JSON object only, no other text: {"questions": ["<question>", "<question>", "<question>"]}';
const answerSchema = z.object({ questions: z.array(z.string()) });
const URL_INPUTS = ['basepath', 'baseUrl', 'basePath', 'baseURL'];

/** The questions of a model's answer: the first JSON object in it (models like to wrap it in a fence). */
export function parseQuestions(text: string): string[] | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = answerSchema.safeParse(JSON.parse(text.slice(start, end + 1)));
    const questions = parsed.success ? parsed.data.questions.map((q) => q.trim()).filter(Boolean) : [];
    return questions.length > 0 ? questions : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Generates a run's follow-up prompts after its answer (Flowise: generateFollowUpPrompts), with the
 * chat model node of the chosen provider built as a flow would build it (its credential, its base URL).
 * A failure is logged and yields none: the answer itself never fails because of its follow-ups.
 */
export class FollowUpPrompts {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly services: EngineServices,
    private readonly logger: Logger,
    /** Budget of one generation (ms): an optional extra must not hold back, or fail, a finished answer. */
    private readonly timeoutMs: number,
  ) {}

  async generate(config: FollowUpConfig, answer: string, chatflowId: string, signal: AbortSignal): Promise<string[] | undefined> {
    const definition = this.registry.get(config.nodeName);
    if (!definition || answer.trim() === '') return undefined;
    const urlInput = definition.inputs.find((input) => URL_INPUTS.includes(input.name))?.name;
    const budget = AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]);
    // A model that ignores its signal still cannot hold the answer: the race ends at the budget.
    const expired = new Promise<never>((_, reject) => {
      budget.addEventListener('abort', () => reject(budget.reason), { once: true });
    });
    expired.catch(() => undefined);
    try {
      const model = (await buildStandaloneNode(
        {
          definition,
          inputs: {
            modelName: config.modelName,
            ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
            ...(urlInput && config.baseUrl ? { [urlInput]: config.baseUrl } : {}),
          },
          ...(config.credentialId ? { credentialId: config.credentialId } : {}),
        },
        standaloneContext(chatflowId, this.services, budget),
      )) as BaseChatModel;
      const reply = await Promise.race([model.invoke(config.prompt.replaceAll('{history}', answer) + FORMAT, { signal: budget }), expired]);
      const text = typeof reply.content === 'string' ? reply.content : reply.content.map((part) => ('text' in part ? part.text : '')).join('');
      const questions = parseQuestions(text);
      if (!questions) this.logger.warn({ chatflowId }, 'follow-up prompts: the model answered no {"questions": [...]} object');
      return questions;
    } catch (error) {
      if (signal.aborted) throw error;
      const reason = budget.aborted ? `no answer within FOLLOW_UP_PROMPTS_TIMEOUT (${this.timeoutMs} ms)` : errorMessage(error);
      this.logger.warn({ chatflowId, reason }, 'follow-up prompts could not be generated');
      return undefined;
    }
  }
}
