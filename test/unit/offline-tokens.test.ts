import net from 'node:net';
import { HumanMessage } from '@langchain/core/messages';
import { afterEach, expect, it, vi } from 'vitest';
import { chatAnthropic } from '../../src/engine/nodes/chat-anthropic.js';
import { chatOllama } from '../../src/engine/nodes/chat-ollama.js';
import { chatOpenAI } from '../../src/engine/nodes/chat-openai.js';
import type { BuildContext } from '../../src/engine/nodes/node-definition.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/**
 * LangChain's own token counting downloads tiktoken ranks; ours must answer offline. Any attempt to
 * reach the network (fetch, or a socket) is refused and recorded, so the test proves nothing tried,
 * whatever the machine's speed.
 */
it.each([
  [chatOpenAI, { openAIApiKey: 'k' }],
  [chatAnthropic, { anthropicApiKey: 'k' }],
  [chatOllama, {}],
])('%s counts tokens without the network', async (definition, credential) => {
  const fetches = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network access blocked in this test'));
  const connects = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function blocked(this: net.Socket) {
    process.nextTick(() => this.destroy(new Error('network access blocked in this test')));
    return this;
  });
  const model = (await definition.build({
    nodeId: 'n',
    label: 'l',
    inputs: { modelName: 'gpt-4o-mini', basepath: 'http://127.0.0.1:1/v1' },
    credential,
    outputs: {},
    run: { services: { llm: { maxRetries: 0 } } } as BuildContext['run'],
  } as BuildContext)) as { getNumTokens(c: string): Promise<number>; getNumTokensFromMessages?: (m: unknown[]) => Promise<{ totalCount: number }> };
  expect(await model.getNumTokens('twelve chars')).toBe(3);
  if (model.getNumTokensFromMessages) {
    expect((await model.getNumTokensFromMessages([new HumanMessage('hello there')])).totalCount).toBeGreaterThan(0);
  }
  expect(fetches).not.toHaveBeenCalled();
  expect(connects).not.toHaveBeenCalled();
});
