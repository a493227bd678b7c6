import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EngineServices } from '../../src/engine/nodes/node-definition.js';
import { OutboundPolicy, type OutboundPolicyConfig } from '../../src/security/outbound-policy.js';
import { modelPart, toolAgentFlow } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { firstTool, requestsGetPart, requestsPostPart } from '../fixtures/sandbox-flows.js';
import { HttpTarget } from '../support/http-target.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
const target = new HttpTarget();
const BASE: OutboundPolicyConfig = { allowList: [], denyList: [], maxResponseBytes: 1024 * 1024, timeoutMs: 10000, maxRedirects: 5 };
/** The test's local server is reachable only because the allow list names it. */
const allowing = new OutboundPolicy({ ...BASE, allowList: ['127.0.0.1'] });
const defaults = new OutboundPolicy(BASE);
const credentials = { openai: { openAIApiKey: 'sk-test' } };


function services(outbound: OutboundPolicy, vars: Record<string, string> = {}): Partial<EngineServices> {
  return { outbound, variables: { load: async () => vars } };
}
const model = (behaviour: string) => modelPart('chatOpenAI', { model: `fake;${behaviour}`, root: fake.rootUrl, credential: 'openai' });

beforeAll(async () => {
  await Promise.all([fake.start(), target.start()]);
  target.route('/items/7', (req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 7, url: req.url, auth: req.headers.authorization })));
  target.route('/long', (_req, res) => res.writeHead(200).end('abcdefghijklmnopqrstuvwxyz'));
  target.route('/teapot', (_req, res) => res.writeHead(418).end('no'));
  target.route('/orders', (req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ received: JSON.parse(req.body), type: req.headers['content-type'] })));
});
afterAll(async () => {
  await Promise.all([fake.stop(), target.stop(), allowing.close(), defaults.close()]);
});
beforeEach(() => {
  fake.reset();
  target.requests.length = 0;
});

describe('requestsGet', () => {
  const schema = JSON.stringify({
    id: { type: 'string', required: true, in: 'path', description: 'Item id' },
    limit: { type: 'number', in: 'query', description: 'How many' },
  });

  it('fills path and query parameters from the model, sends the node headers ({{$vars}} resolved) and returns the body', async () => {
    const tool = requestsGetPart({
      requestsGetUrl: `${target.url}/items/:id`,
      requestsGetQueryParamsSchema: schema,
      requestsGetHeaders: '{"Authorization": "Bearer {{$vars.token}}"}',
    });
    const flow = toolAgentFlow(model('tool=requests_get:{"queryParams":{"id":"7","limit":3}}'), [tool]);
    const { result } = await runEngine(flow, { question: 'item 7?', credentials, services: services(allowing, { token: 'tok-1' }) });
    expect(firstTool(result)).toEqual({
      tool: 'requests_get',
      toolInput: { queryParams: { id: '7', limit: 3 } },
      toolOutput: JSON.stringify({ id: 7, url: '/items/7?limit=3', auth: 'Bearer tok-1' }),
    });
    const offered = (fake.requests[0]!.body.tools as Array<{ function: { parameters: { properties: { queryParams: { properties: object } } } } }>)[0]!.function;
    expect(Object.keys(offered.parameters.properties.queryParams.properties)).toEqual(['id', 'limit']);
  });

  it('cuts the output to Max Output Length and reports HTTP errors', async () => {
    const long = toolAgentFlow(model('tool=requests_get:{}'), [requestsGetPart({ requestsGetUrl: `${target.url}/long`, requestsGetMaxOutputLength: '5' })]);
    expect(firstTool((await runEngine(long, { question: 'q', credentials, services: services(allowing) })).result).toolOutput).toBe('abcde');
    const teapot = toolAgentFlow(model('tool=requests_get:{}'), [requestsGetPart({ requestsGetUrl: `${target.url}/teapot` })]);
    const failed = firstTool((await runEngine(teapot, { question: 'q', credentials, services: services(allowing) })).result);
    expect(failed.error).toBe("Failed to make GET request: HTTP Error 418: I'm a Teapot");
  });

  it('refuses loopback and private addresses by default: the model is told, nothing is sent', async () => {
    for (const url of [`${target.url}/items/7`, 'http://10.0.0.5/internal', 'http://169.254.169.254/latest/meta-data/']) {
      fake.reset();
      const flow = toolAgentFlow(model('tool=requests_get:{}'), [requestsGetPart({ requestsGetUrl: url })]);
      const { result } = await runEngine(flow, { question: 'q', credentials, services: services(defaults) });
      expect(firstTool(result).error, url).toMatch(/^Failed to make GET request: Request refused: .* address; add it to HTTP_ALLOW_LIST/);
      expect(result.text).toContain('Request refused');
    }
    expect(target.requests).toHaveLength(0);
  });
});

describe('requestsPost', () => {
  it('posts the model body as JSON with the node Body keys winning', async () => {
    const tool = requestsPostPart({
      requestsPostUrl: `${target.url}/orders`,
      requestPostBody: "{'source': 'agent', 'qty': 1,}",
      requestsPostBodySchema: JSON.stringify({ item: { type: 'string', required: true }, qty: { type: 'number' } }),
    });
    const flow = toolAgentFlow(model('tool=requests_post:{"body":{"item":"pen","qty":5}}'), [tool]);
    const { result } = await runEngine(flow, { question: 'order a pen', credentials, services: services(allowing) });
    expect(JSON.parse(firstTool(result).toolOutput)).toEqual({ received: { item: 'pen', qty: 1, source: 'agent' }, type: 'application/json' });
    expect(target.requests[0]).toMatchObject({ method: 'POST', url: '/orders' });
  });

  it('refuses loopback by default', async () => {
    const flow = toolAgentFlow(model('tool=requests_post:{"body":{"a":1}}'), [requestsPostPart({ requestsPostUrl: `${target.url}/orders` })]);
    const { result } = await runEngine(flow, { question: 'q', credentials, services: services(defaults) });
    expect(firstTool(result).error).toContain('Failed to make POST request: Request refused: 127.0.0.1 is a loopback address');
    expect(target.requests).toHaveLength(0);
  });
});
