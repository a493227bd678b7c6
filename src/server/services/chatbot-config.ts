/** A chatflow's `chatbotConfig` (a JSON string, as Flowise stores it); unreadable means empty. */
export type ChatbotConfig = Record<string, unknown>;

export function parseChatbotConfig(text: string | null): ChatbotConfig {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ChatbotConfig) : {};
  } catch {
    return {};
  }
}

/** §2.6 rule 2: post-processing turns streaming off. */
export function postProcessingEnabled(config: ChatbotConfig): boolean {
  return (config.postProcessing as { enabled?: unknown } | undefined)?.enabled === true;
}
