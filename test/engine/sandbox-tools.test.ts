import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunAbortedError } from '../../src/engine/errors.js';
import type { CustomToolRecord, EngineServices } from '../../src/engine/nodes/node-definition.js';
import { parseOverrideSettings } from '../../src/engine/run/override-config.js';
import { SandboxPool } from '../../src/sandbox/sandbox-pool.js';
import { type OutboundPolicyConfig, OutboundPolicy } from '../../src/security/outbound-policy.js';
import { modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { WEATHER_TOOL, customToolPart, firstTool, promptChainFlow } from '../fixtures/sandbox-flows.js';
import { runEngine } from './engine-harness.js';

const fake = new FakeLlmServer();
const OUTBOUND: OutboundPolicyConfig = { allowList: [], denyList: [], maxResponseBytes: 1024 * 1024, timeoutMs: 10000, maxRedirects: 5 };
const sandbox = new SandboxPool({ timeoutMs: 20000, memoryLimitBytes: 32 * 1024 * 1024, stackLimitBytes: 512 * 1024, poolSize: 2 }, OUTBOUND);
const outbound = new OutboundPolicy(OUTBOUND);
const credentials = { openai: { openAIApiKey: 'sk-test' } };

const tools = new Map<string, CustomToolRecord>();
let storedVariables: Record<string, string> = {};
const services: Partial<EngineServices> = {
  sandbox,
  outbound,
  customTools: { get: async (id) => tools.get(id) },
  variables: { load: async () => ({ ...storedVariables }) },
};

function store(id: string, fields: Partial<CustomToolRecord> = {}) {
  tools.set(id, { id, ...WEATHER_TOOL, ...fields });
}

const model = (behaviour: string) => modelPart('chatOpenAI', { model: `fake;${behaviour}`, root: fake.rootUrl, credential: 'openai' });
const agentFlow = (behaviour: string, toolInputs: Record<string, unknown> = {}, withCalculator = false) =>
  toolAgentFlow(model(behaviour), [...(withCalculator ? [toolPart('calculator')] : []), customToolPart('weather', toolInputs)]);


const OVERRIDE_UNIT = parseOverrideSettings(JSON.stringify({ overrideConfig: { status: true, nodes: {}, variables: [{ name: 'unit', enabled: true }] } }));

beforeAll(async () => {
  await fake.start();
});
afterAll(async () => {
  await Promise.all([fake.stop(), sandbox.close(), outbound.close()]);
});
beforeEach(() => {
  fake.reset();
  tools.clear();
  store('weather');
  storedVariables = { unit: 'C' };
});

describe('customTool in a tool agent', () => {
  it('runs alongside the calculator: arguments as $<property>, $vars and $flow, result as the observation', async () => {
    const flow = agentFlow('tool=calculator:{"input":"2+2"};tool=get_weather:{"city":"Paris"}', {}, true);
    const { result } = await runEngine(flow, { question: 'weather?', credentials, services });
    expect(result.usedTools).toEqual([
      { tool: 'calculator', toolInput: { input: '2+2' }, toolOutput: '4' },
      { tool: 'get_weather', toolInput: { city: 'Paris' }, toolOutput: 'Paris: sunny, 21 C (chat chat-1)' },
    ]);
    expect(result.text).toBe('Tool said: Paris: sunny, 21 C (chat chat-1)');
    const offered = (fake.requests[0]!.body.tools as Array<{ function: { name: string; description: string; parameters: { properties: object; required: string[] } } }>).map((t) => t.function);
    expect(offered[1]).toMatchObject({
      name: 'get_weather',
      description: 'Tells the weather of a city',
      parameters: { properties: { city: { type: 'string', description: 'City name' } }, required: ['city'] },
    });
  });

  it('lets overrideConfig.vars win over a stored variable only when the chatflow enables it', async () => {
    const flow = () => agentFlow('tool=get_weather:{"city":"Oslo"}');
    const enabled = await runEngine(flow(), { question: 'q', credentials, services, overrideConfig: { vars: { unit: 'F' } }, overrideSettings: OVERRIDE_UNIT });
    expect(firstTool(enabled.result).toolOutput).toBe('Oslo: sunny, 21 F (chat chat-1)');
    const disabled = await runEngine(flow(), { question: 'q', credentials, services, overrideConfig: { vars: { unit: 'F' } } });
    expect(firstTool(disabled.result).toolOutput).toBe('Oslo: sunny, 21 C (chat chat-1)');
  });

  it('JSON-encodes objects, feeds errors and refused escapes back to the model', async () => {
    store('weather', { func: 'return { city: $city, temps: [20, 21] }' });
    const json = await runEngine(agentFlow('tool=get_weather:{"city":"Rome"}'), { question: 'q', credentials, services });
    expect(firstTool(json.result).toolOutput).toBe('{"city":"Rome","temps":[20,21]}');

    store('weather', { func: "const fs = require('fs'); return fs.readFileSync('/etc/passwd', 'utf8')" });
    const refused = await runEngine(agentFlow('tool=get_weather:{"city":"Rome"}'), { question: 'q', credentials, services });
    expect(firstTool(refused.result).error).toContain("require('fs') is not available in the sandbox");
    expect(refused.result.text).toContain("require('fs') is not available");

    store('weather', { func: "return this.constructor.constructor('return process')().env" });
    const escape = await runEngine(agentFlow('tool=get_weather:{"city":"Rome"}'), { question: 'q', credentials, services });
    expect(firstTool(escape.result).error).toBe("ReferenceError: 'process' is not defined");
  });

  it('answers directly with returnDirect, and takes the hidden overrides (name, description, Zod schema, code)', async () => {
    const direct = await runEngine(agentFlow('tool=get_weather:{"city":"Lima"}', { returnDirect: true }), { question: 'q', credentials, services });
    expect(direct.result.text).toBe('Lima: sunny, 21 C (chat chat-1)');
    expect(fake.requests).toHaveLength(1);

    fake.reset();
    const overridden = agentFlow('tool=forecast:{"days":3}', {
      customToolName: 'forecast',
      customToolDesc: 'Forecast for some days',
      customToolSchema: 'z.object({ days: z.number().int().describe("how many days") })',
      customToolFunc: 'return `${$days * 2} half-days`',
    });
    const { result } = await runEngine(overridden, { question: 'q', credentials, services });
    expect(result.usedTools).toEqual([{ tool: 'forecast', toolInput: { days: 3 }, toolOutput: '6 half-days' }]);
    const offered = (fake.requests[0]!.body.tools as Array<{ function: { name: string; parameters: { properties: Record<string, { type: string }> } } }>)[0]!.function;
    expect(offered.name).toBe('forecast');
    expect(offered.parameters.properties.days!.type).toBe('integer');
  });

  it('turns date arguments into Date objects and coerces numeric strings', async () => {
    store('weather', {
      schema: JSON.stringify([
        { property: 'when', type: 'date', description: 'Day', required: true },
        { property: 'count', type: 'number', description: 'How many', required: true },
      ]),
      func: 'return `${$when.getUTCDate()}/${$when.getUTCMonth() + 1} x${$count + 1}`',
    });
    const { result } = await runEngine(agentFlow('tool=get_weather:{"when":"2024-05-06","count":"2"}'), { question: 'q', credentials, services });
    expect(firstTool(result).toolOutput).toBe('6/5 x3');
  });

  it('fails the flow with the node named when the tool does not exist', async () => {
    await expect(runEngine(agentFlow('tokens=1', { selectedTool: 'missing' }), { question: 'q', credentials, services })).rejects.toThrow(
      'Node customTool_0 (customTool): custom tool missing not found',
    );
  });

  it('an abort of the run stops a spinning tool at once, while another run with the same tool completes', async () => {
    store('weather', { func: 'if ($city === "spin") { while (true) {} } return "done " + $city' });
    const controller = new AbortController();
    const spinning = runEngine(agentFlow('tool=get_weather:{"city":"spin"}'), { question: 'q', credentials, services, signal: controller.signal });
    await expect.poll(() => sandbox.busyWorkers, { timeout: 15000 }).toBe(1);
    const other = await runEngine(agentFlow('tool=get_weather:{"city":"Kyiv"}'), { question: 'q', credentials, services });
    expect(firstTool(other.result).toolOutput).toBe('done Kyiv');
    controller.abort(new RunAbortedError());
    await expect(spinning).rejects.toBeInstanceOf(RunAbortedError);
    await expect.poll(() => sandbox.busyWorkers).toBe(0);
  });
});

describe('{{$vars.name}} in prompts', () => {
  it('reads stored variables, and overrideConfig.vars where enabled', async () => {
    storedVariables = { team: 'blue', unit: 'C' };
    const flow = () => promptChainFlow(model('tokens=0'), 'Team {{$vars.team}} measures in {{$vars.unit}}; {{$vars.unknown}} stays. {question}');
    await runEngine(flow(), { question: 'hi', credentials, services, overrideConfig: { vars: { unit: 'K' } }, overrideSettings: OVERRIDE_UNIT });
    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    // The prompt template's brace rule turns an unresolved {{…}} into literal braces, as in Flowise.
    expect(sent).toContain('Team blue measures in K; {$vars.unknown} stays. hi');
  });

  it('reads own variables only: built-in names stay as written, and a variable named __proto__ is a variable', async () => {
    // As a variables row named __proto__ (stored before such names were refused) loads: an own property.
    storedVariables = JSON.parse('{"__proto__": "legacy", "unit": "C"}') as Record<string, string>;
    const template = '{{$vars.toString}} {{$vars.constructor}} {{$vars.hasOwnProperty}} {{$flow.toString}} {{$vars.__proto__}} {{$vars.unit}} {question}';
    await runEngine(promptChainFlow(model('tokens=0'), template), { question: 'hi', credentials, services });
    const sent = JSON.stringify(fake.requests[0]!.body.messages);
    expect(sent).toContain('{$vars.toString} {$vars.constructor} {$vars.hasOwnProperty} {$flow.toString} legacy C hi');

    store('weather', { func: 'return [typeof $vars.toString, Object.keys($vars).join(","), $vars.__proto__].join(" ")' });
    const { result } = await runEngine(agentFlow('tool=get_weather:{"city":"x"}'), { question: 'q', credentials, services });
    expect(firstTool(result).toolOutput).toBe('function __proto__,unit legacy');
  });

  it('does not read the variables table for flows that do not use it', async () => {
    let loads = 0;
    const counting = { ...services, variables: { load: async () => (loads++, {}) } };
    await runEngine(promptChainFlow(model('tokens=1'), 'Plain {question}'), { question: 'hi', credentials, services: counting });
    expect(loads).toBe(0);
    await runEngine(promptChainFlow(model('tokens=1'), 'Uses {{$vars.x}} {question}'), { question: 'hi', credentials, services: counting });
    expect(loads).toBe(1);
  });
});
