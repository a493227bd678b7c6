import { LlmCallError } from '../errors.js';
import { abortReason } from '../run/call-model.js';

/**
 * Asks OpenAI's moderation endpoint (`POST <baseUrl>/moderations`, `{input}`, Bearer key) whether a
 * text is flagged. Answers true when any result is flagged; HTTP or network failures are LlmCallErrors
 * (the run fails rather than letting an unchecked question through).
 */
export async function openAIModerationFlags(baseUrl: string, apiKey: string, input: string, signal: AbortSignal): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, '')}/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ input }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw abortReason(signal);
    throw new LlmCallError(`Moderation call failed: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    throw new LlmCallError(`Moderation call failed: ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  const body = (await response.json()) as { results?: Array<{ flagged?: unknown }> };
  return (body.results ?? []).some((result) => result.flagged === true);
}
