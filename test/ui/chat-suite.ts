import type { Page } from 'playwright-core';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { type SignedInSuite, startSignedIn } from './browser-suite.js';

/** A signed-in browser, a fake LLM and an openAIApi credential for it: what the test-chat suites start from. */
export interface ChatSuite extends SignedInSuite {
  fake: FakeLlmServer;
  credential: string;
  /** Saves `flowData` as a chatflow, opens it on the canvas with the chat panel shown; resolves with its id. */
  openChat(name: string, flowData: string): Promise<string>;
  /** Types a question into the chat and sends it. */
  ask(question: string): Promise<void>;
}

export async function startChatSuite(): Promise<ChatSuite> {
  const fake = new FakeLlmServer();
  await fake.start();
  const suite = await startSignedIn();
  const { page, admin, server } = suite;
  const credential = (await admin.post('/api/v1/credentials', { name: 'fake openai', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id as string;
  return {
    ...suite,
    fake,
    credential,
    async openChat(name, flowData) {
      const { id } = (await admin.post('/api/v1/chatflows', { name, flowData })).body as { id: string };
      await page.goto(`${server.url}/canvas/${id}`);
      await page.locator('.react-flow__node').first().waitFor();
      await page.getByRole('button', { name: 'Chat', exact: true }).click();
      await page.getByLabel('Type your question').waitFor();
      return id;
    },
    ask: (question) => ask(page, question),
    async close() {
      fake.gates.openAll();
      await suite.close();
      await fake.stop();
    },
  };
}

async function ask(page: Page, question: string): Promise<void> {
  await page.getByLabel('Type your question').fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
}
