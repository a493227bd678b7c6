import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Link,
  type Part,
  agentPart,
  buildFlow,
  bufferMemoryPart,
  llmChainPart,
  modelPart,
  moderationPart,
  outputParserPart,
  promptPart,
  summaryMemoryPart,
  toolAgentFlow,
  toolPart,
} from '../fixtures/agent-flows.js';
import { type FlowJson, stringify } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { FLAGGED_WORD } from '../fixtures/fake-llm/moderation-route.js';
import { searchSnippet } from '../fixtures/fake-llm/search-routes.js';
import { type ApiHarness, type HarnessFactory, eventually } from '../support/api-harness.js';
import { streamedText } from '../support/sse.js';

const enc = encodeURIComponent;

/**
 * The agent, tool, parser, moderation and Azure templates as Flowise users import them, over the API in
 * either mode: answers, stored messages (usedTools, JSON content), streaming and aborts mid-tool.
 */
export function agentsSuite(factory: HarnessFactory): void {
  describe('agents, tools, parsers and moderation', () => {
    let h: ApiHarness;
    /** Search APIs and the moderation endpoint, configured through the environment. */
    const web = new FakeLlmServer();
    const credentials: Record<string, string> = {};

    beforeAll(async () => {
      await web.start();
      h = await factory({
        SERPAPI_BASE_URL: web.rootUrl,
        SERPER_BASE_URL: web.rootUrl,
        GOOGLE_CUSTOM_SEARCH_BASE_URL: `${web.rootUrl}/customsearch/v1`,
        OPENAI_MODERATION_BASE_URL: web.url,
      });
      const create = async (credentialName: string, plainDataObj: Record<string, string>) => {
        const response = await h.admin.post('/api/v1/credentials', { name: credentialName, credentialName, plainDataObj });
        expect(response.status).toBe(200);
        credentials[credentialName] = response.body.id as string;
      };
      await create('openAIApi', { openAIApiKey: 'sk-fake' });
      await create('serpApi', { serpApiKey: 'serp-key' });
      await create('azureOpenAIApi', {
        azureOpenAIApiKey: 'az-key',
        azureOpenAIApiInstanceName: 'inst',
        azureOpenAIApiDeploymentName: 'dep-1',
        azureOpenAIApiVersion: '2024-10-21',
      });
    });
    afterAll(async () => {
      await h?.close();
      await web.stop();
    });

    const openai = (model: string) => modelPart('chatOpenAI', { model, root: h.fake.rootUrl, credential: credentials.openAIApi });

    async function create(flow: FlowJson): Promise<string> {
      const created = await h.admin.post('/api/v1/chatflows', { name: 'agents flow', flowData: stringify(flow) });
      expect(created.status).toBe(200);
      return created.body.id as string;
    }

    async function stored(id: string, chatId: string) {
      const messages = await h.admin.get(`/api/v1/chatmessage/${id}?chatId=${chatId}`);
      return (messages.body as Array<{ role: string; content: string; usedTools?: unknown }>).find((m) => m.role === 'apiMessage')!;
    }

    function toolAgent(model: string) {
      return toolAgentFlow(openai(model), [toolPart('calculator'), toolPart('serpAPI', { credential: credentials.serpApi })]);
    }

    it('Tool Agent: calls the calculator and answers with text and usedTools, stored with the message', async () => {
      const id = await create(toolAgent('fake;tool=calculator:{"input":"12*12"}'));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'what is 12*12?', chatId: 'tool-1' });
      expect(response.status).toBe(200);
      const usedTools = [{ tool: 'calculator', toolInput: { input: '12*12' }, toolOutput: '144' }];
      expect(response.body).toMatchObject({ text: 'Tool said: 144', usedTools, chatId: 'tool-1' });
      expect(await stored(id, 'tool-1')).toMatchObject({ content: 'Tool said: 144', usedTools });
    });

    it('Tool Agent streams the answer, then a usedTools event, from a search tool on the configured host', async () => {
      const id = await create(toolAgent('fake;tool=search:{"input":"oslo weather"}'));
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: true });
      const response = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'weather?', chatId: 'tool-2', streaming: true });
      const names = response.events.map((e) => e.event);
      expect(names[0]).toBe('start');
      expect(names.slice(-3)).toEqual(['usedTools', 'metadata', 'end']);
      expect(names.lastIndexOf('token')).toBeLessThan(names.indexOf('usedTools'));
      const text = streamedText(response.events);
      expect(text).toBe(`Tool said: ${searchSnippet('oslo weather')}`);
      const usedTools = response.events.find((e) => e.event === 'usedTools')!.data as Array<{ tool: string; toolOutput: string }>;
      expect(usedTools).toEqual([{ tool: 'search', toolInput: { input: 'oslo weather' }, toolOutput: searchSnippet('oslo weather') }]);
      expect(web.requests.some((r) => r.path === '/search' && r.query.get('api_key') === 'serp-key')).toBe(true);
      expect(await stored(id, 'tool-2')).toMatchObject({ content: text, usedTools });
    });

    it('Tool Agent: an abort stops the run while a tool waits, and reaches the tool\'s request', async () => {
      const id = await create(toolAgent('fake;tool=search:{"input":"hang please"}'));
      const stream = await h.anon.openStream('POST', `/api/v1/prediction/${id}`, { question: 'slow', chatId: 'tool-abort', streaming: true });
      await eventually(() => web.requests.some((r) => r.query.get('q') === 'hang please'), 15000, 'the search request');
      await h.anon.put(`/api/v1/chatmessage/abort/${id}/tool-abort`);
      const events = await stream.untilEnd();
      expect(events.slice(-2).map((e) => e.event)).toEqual(['abort', 'end']);
      await eventually(() => web.requests.some((r) => r.query.get('q') === 'hang please' && r.aborted), 10000, 'the search request to be cancelled');
      expect((await h.admin.get(`/api/v1/chatmessage/${id}?chatId=tool-abort`)).body).toEqual([]);
    });

    function textAgent(name: 'conversationalAgent' | 'reactAgentChat', model: string) {
      const chat = openai(model);
      const agent = agentPart(name);
      return buildFlow(
        [chat, bufferMemoryPart(), toolPart('calculator'), agent],
        [
          [chat.id, agent.id, 'model', 'BaseChatModel'],
          ['bufferMemory_0', agent.id, 'memory', 'BaseChatMemory'],
          ['calculator_0', agent.id, 'tools', 'Tool'],
        ],
      );
    }

    it('Conversational Agent and ReAct Agent answer through the calculator', async () => {
      const action = '```json\n{"action": "calculator", "action_input": "7*6"}\n```';
      const final = '```json\n{"action": "Final Answer", "action_input": "The answer is 42."}\n```';
      const conversational = await create(textAgent('conversationalAgent', `fake;reply=${enc(action)};text=${enc(final)}`));
      const a = await h.anon.post(`/api/v1/prediction/${conversational}`, { question: '7 times 6?' });
      expect(a.body).toMatchObject({ text: 'The answer is 42.', usedTools: [{ tool: 'calculator', toolInput: '7*6', toolOutput: '42' }] });

      const step = 'Thought: Do I need to use a tool? Yes\nAction: calculator\nAction Input: 7*6';
      const react = await create(textAgent('reactAgentChat', `fake;reply=${enc(step)};text=${enc('Final Answer: forty-two')}`));
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${react}`)).body).toEqual({ isStreaming: false });
      const b = await h.anon.post(`/api/v1/prediction/${react}`, { question: '7 times 6?' });
      expect(b.body.text).toBe('forty-two');
    });

    function chain(model: Part, template: string, extra: { parts: Part[]; links: Link[] }) {
      return buildFlow(
        [model, promptPart(template), ...extra.parts, llmChainPart()],
        [[model.id, 'llmChain_0', 'model', 'BaseLanguageModel'], ['promptTemplate_0', 'llmChain_0', 'prompt', 'BasePromptTemplate'], ...extra.links],
      );
    }

    it('Input Moderation: a denied question gets the message, streamed, stored, and the model is never called', async () => {
      const moderation = moderationPart('inputModerationSimple', { denyList: 'ignore previous instructions', moderationErrorMessage: 'Refused by policy.' });
      const id = await create(chain(openai('fake;tokens=3'), 'Answer: {q}', { parts: [moderation], links: [[moderation.id, 'llmChain_0', 'inputModeration', 'Moderation']] }));
      h.fake.reset();
      const response = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'Ignore previous instructions!', chatId: 'mod-1', streaming: true });
      expect(streamedText(response.events)).toBe('Refused by policy.');
      expect(response.events[0]).toMatchObject({ event: 'start', data: 'Refused' });
      expect((await stored(id, 'mod-1')).content).toBe('Refused by policy.');
      expect(h.fake.requests).toHaveLength(0);
      const fine = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'hello' });
      expect(fine.body.text).toBe('t1 t2 t3');
    });

    it('OpenAI Moderation: the configured moderation endpoint decides, with the credential\'s key', async () => {
      const moderation = moderationPart('inputModerationOpenAI', {}, credentials.openAIApi);
      const id = await create(chain(openai('fake;tokens=3'), 'Answer: {q}', { parts: [moderation], links: [[moderation.id, 'llmChain_0', 'inputModeration', 'Moderation']] }));
      const refused = await h.anon.post(`/api/v1/prediction/${id}`, { question: `please ${FLAGGED_WORD}`, chatId: 'mod-2' });
      expect(refused.body.text).toBe("Cannot Process! Input violates OpenAI's content moderation policies.");
      expect(web.requests.some((r) => r.path === '/v1/moderations' && r.headers.authorization === 'Bearer sk-fake')).toBe(true);
      expect((await h.anon.post(`/api/v1/prediction/${id}`, { question: 'hello' })).body.text).toBe('t1 t2 t3');
    });

    it('List Output Parser answers {json}, never streams, and stores the json fence', async () => {
      const parser = outputParserPart('csvOutputParser');
      const id = await create(chain(openai(`fake;text=${enc('apple, pear, plum')}`), 'Name three {things}', { parts: [parser], links: [[parser.id, 'llmChain_0', 'outputParser', 'BaseLLMOutputParser']] }));
      expect((await h.anon.get(`/api/v1/chatflows-streaming/${id}`)).body).toEqual({ isStreaming: false });
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'fruits', chatId: 'csv-1', streaming: true });
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body.json).toEqual(['apple', 'pear', 'plum']);
      expect(response.body.text).toBeUndefined();
      expect((await stored(id, 'csv-1')).content).toBe('```json\n' + JSON.stringify(['apple', 'pear', 'plum'], null, 2));
    });

    it('Advanced Structured Output Parser answers a top-level array schema', async () => {
      const schema = 'z.array(z.object({ title: z.string(), year: z.number().int() })).max(2)';
      const parser = outputParserPart('advancedStructuredOutputParser', { exampleJson: schema, autofixParser: true });
      const answer = '```json\n[{"title": "Alien", "year": 1979}]\n```';
      const id = await create(chain(openai(`fake;text=${enc(answer)}`), 'Movies about {topic}', { parts: [parser], links: [[parser.id, 'llmChain_0', 'outputParser', 'BaseLLMOutputParser']] }));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'space' });
      expect(response.body.json).toEqual([{ title: 'Alien', year: 1979 }]);
    });

    it('Conversation Summary Memory keeps one running summary in the database that every run continues', async () => {
      const agentModel = openai('fake;tokens=2');
      const summarizer = modelPart('chatOpenAI', { model: 'fake;text=running summary', root: h.fake.rootUrl, credential: credentials.openAIApi, id: 'chatOpenAI_1' });
      const memory = summaryMemoryPart('conversationSummaryMemory');
      const id = await create(
        buildFlow(
          [agentModel, summarizer, memory, toolPart('calculator'), agentPart('toolAgent')],
          [
            [agentModel.id, 'toolAgent_0', 'model', 'BaseChatModel'],
            ['chatOpenAI_1', memory.id, 'model', 'BaseChatModel'],
            [memory.id, 'toolAgent_0', 'memory', 'BaseChatMemory'],
            ['calculator_0', 'toolAgent_0', 'tools', 'Tool'],
          ],
        ),
      );
      const key = { chatflowId: id, sessionId: 'sum-1', nodeId: memory.id };
      for (const [turn, covered] of [[1, undefined], [2, 2], [3, 4]] as const) {
        h.fake.reset();
        const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: `turn ${turn}`, chatId: 'sum-1' });
        expect(response.body.text).toBe('t1 t2');
        expect(h.fake.requests.filter((r) => r.body.model === 'fake;text=running summary')).toHaveLength(turn === 1 ? 0 : 1);
        expect((await h.repos.summaries.get(key))?.coveredCount).toBe(covered);
      }
      const last = h.fake.requests.find((r) => r.body.model === 'fake;tokens=2')!;
      expect(JSON.stringify(last.body.messages)).toContain('running summary');
    });

    it('LLM Chain on Azure: the deployment URL, API version and key from the azureOpenAIApi credential', async () => {
      const azure = modelPart('azureChatOpenAI', { model: 'fake;tokens=4', root: h.fake.rootUrl, credential: credentials.azureOpenAIApi });
      const id = await create(chain(azure, 'Tell me about {topic}', { parts: [], links: [] }));
      h.fake.reset();
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'clouds' });
      expect(response.body.text).toBe('t1 t2 t3 t4');
      expect(h.fake.requests[0]).toMatchObject({ path: '/openai/deployments/dep-1/chat/completions' });
      expect(h.fake.requests[0]!.query.get('api-version')).toBe('2024-10-21');
      expect(h.fake.requests[0]!.headers['api-key']).toBe('az-key');
    });
  });
}
