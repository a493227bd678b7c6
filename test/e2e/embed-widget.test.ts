import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimited } from '../api/rate-limit.suite.js';
import { llmChainFlow } from '../fixtures/chatflows.js';
import { type ApiHarness, createFlow, startMainHarness } from '../support/api-harness.js';
import { launchChromium, loopbackContext } from '../support/browser.js';
import { scaled } from '../support/machine.js';
import { PROJECT_ROOT } from '../support/processes.js';

const EMBED = path.join(PROJECT_ROOT, 'node_modules/flowise-embed/dist/web.js');

/**
 * The real flowise-embed chat widget (3.1.6, its published bundle) on a web page of another origin,
 * in Chromium: the page's site is on the chatflow's allowedOrigins while CORS_ORIGINS names another
 * site, and the widget shows what the server answers, errors included.
 */
describe('flowise-embed on a site from the chatflow allow-list', () => {
  let h: ApiHarness;
  let site: http.Server;
  let siteOrigin: string;
  let browser: Browser;

  beforeAll(async () => {
    h = await startMainHarness({ CORS_ORIGINS: 'https://other.example' });
    // The host page, as a site owner writes it (flowise-embed's README), with the bundle served locally.
    site = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/web.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(fs.readFileSync(EMBED));
        return;
      }
      const init = JSON.stringify({ chatflowid: url.searchParams.get('chatflow'), apiHost: h.url });
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><body><flowise-fullchatbot></flowise-fullchatbot>
<script type="module">import Chatbot from '/web.js'; Chatbot.initFull(${init});</script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    site?.close();
    await h?.close();
  });

  /** A chatflow the site may embed. */
  const embeddable = (model: string, extra: { streaming?: boolean; apiConfig?: string } = {}) =>
    createFlow(h, (credential) => llmChainFlow({ model, basepath: h.fake.url, credential, ...(extra.streaming === false ? { streaming: false } : {}) }), {
      chatbotConfig: JSON.stringify({ allowedOrigins: [siteOrigin] }),
      ...(extra.apiConfig ? { apiConfig: extra.apiConfig } : {}),
    });

  /**
   * Runs in the page (as source text: this project compiles without the DOM's types): the widget's bot
   * bubbles, inside its shadow root, and whether its input is enabled again (it is done with an answer).
   */
  const WIDGET_STATE = `(() => {
    const root = document.querySelector('flowise-fullchatbot')?.shadowRoot;
    const bubbles = [...(root?.querySelectorAll('[data-testid="host-bubble"]') ?? [])].map((b) => b.textContent ?? '');
    return { bubbles, ready: root?.querySelector('textarea')?.disabled === false };
  })()`;
  const widgetState = (page: Page) => page.evaluate(WIDGET_STATE) as Promise<{ bubbles: string[]; ready: boolean }>;

  /** Opens the site with the widget for `chatflowId`, asks each question in turn; resolves with the bot's answers. */
  async function chat(chatflowId: string, questions: string[]): Promise<string[]> {
    const context = await loopbackContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${siteOrigin}/?chatflow=${chatflowId}`);
      const input = page.locator('textarea');
      await input.waitFor({ timeout: scaled(30000) });
      for (const [i, question] of questions.entries()) {
        await input.fill(question);
        await input.press('Enter');
        // The welcome message, then one answer per question once it is complete (the widget enables
        // its input again when it has finished with an answer).
        await page.waitForFunction(
          `(() => { const s = ${WIDGET_STATE}; return s.bubbles.length >= ${i + 2} && s.bubbles.at(-1) !== '' && s.ready; })()`,
          undefined,
          { timeout: scaled(30000) },
        );
      }
      return (await widgetState(page)).bubbles.slice(1);
    } finally {
      await context.close();
    }
  }

  it('streams the answer to the site', async () => {
    const id = await embeddable('fake;tokens=3');
    expect(await chat(id, ['hello widget'])).toEqual(['t1 t2 t3']);
  });

  it('shows the message of an LLM failure in a stream, not a code', async () => {
    const id = await embeddable('fake;error=500');
    const { message } = (await h.anon.post(`/api/v1/prediction/${id}`, { question: 'direct' })).body as { message: string };
    expect(message).toContain('LLM call failed');
    const [shown] = await chat(id, ['fail please']);
    // flowise-embed's rule for an `error` event: the data, less a leading "Error: <word> - ".
    expect(shown).toBe(message.replace(/^Error:\s*\S+\s*-\s*/, ''));
    expect(shown).not.toContain('LLM_ERROR');
  });

  it('shows the message of an LLM failure in a JSON answer, not a code', async () => {
    const id = await embeddable('fake;error=500', { streaming: false });
    expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: false });
    const { message } = (await h.anon.post(`/api/v1/prediction/${id}`, { question: 'direct' })).body as { message: string };
    const [shown] = await chat(id, ['fail as json']);
    // flowise-embed's rule for an error body: `body.error` if there is one (there is not), else
    // "Error: " and the message.
    expect(shown).toBe(`Error: ${message.replaceAll('Error:', ' ')}`);
    expect(shown).not.toContain('LLM_ERROR');
  });

  it("shows the chatflow's rate-limit message", async () => {
    const id = await embeddable('fake;tokens=2', { apiConfig: rateLimited(1, 60, 'Easy there, one question a minute') });
    expect(await chat(id, ['first', 'second'])).toEqual(['t1 t2', 'Easy there, one question a minute']);
  });
});
