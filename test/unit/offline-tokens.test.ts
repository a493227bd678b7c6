import { HumanMessage } from '@langchain/core/messages';
import { expect, it } from 'vitest';
import { chatAnthropic } from '../../src/engine/nodes/chat-anthropic.js';
import { chatOllama } from '../../src/engine/nodes/chat-ollama.js';
import { chatOpenAI } from '../../src/engine/nodes/chat-openai.js';
import type { BuildContext } from '../../src/engine/nodes/node-definition.js';

/** LangChain's own token counting downloads tiktoken ranks; ours must answer at once, offline. */
it.each([
  [chatOpenAI, { openAIApiKey: 'k' }],
  [chatAnthropic, { anthropicApiKey: 'k' }],
  [chatOllama, {}],
])('%s counts tokens without the network', async (definition, credential) => {
  const model = (await definition.build({
    nodeId: 'n',
    label: 'l',
    inputs: { modelName: 'gpt-4o-mini', basepath: 'http://127.0.0.1:1/v1' },
    credential,
    outputs: {},
    run: { services: { llm: { maxRetries: 0 } } } as BuildContext['run'],
  } as BuildContext)) as { getNumTokens(c: string): Promise<number>; getNumTokensFromMessages?: (m: unknown[]) => Promise<{ totalCount: number }> };
  const started = Date.now();
  expect(await model.getNumTokens('twelve chars')).toBe(3);
  if (model.getNumTokensFromMessages) {
    expect((await model.getNumTokensFromMessages([new HumanMessage('hello there')])).totalCount).toBeGreaterThan(0);
  }
  // A tokenizer download would take seconds (minutes offline); the margin is for a loaded machine.
  expect(Date.now() - started).toBeLessThan(1000);
});
