import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPart, toolAgentFlow, toolPart } from '../fixtures/agent-flows.js';
import { WEATHER_TOOL, customToolPart } from '../fixtures/sandbox-flows.js';
import { type ApiHarness, type HarnessFactory, createFlow, eventually } from '../support/api-harness.js';
import { HttpTarget } from '../support/http-target.js';
import { peakRss, rssOf } from '../support/process-memory.js';
import type { QueueHarness } from '../support/queue-harness.js';
import { streamedText } from '../support/sse.js';

/** Environment the suite's servers and workers run with. */
export const SANDBOX_SUITE_ENV = {
  // The runaway tool below pings the local target before it spins.
  HTTP_ALLOW_LIST: '127.0.0.1',
  RUNTIME_VARIABLES_ALLOW_LIST: 'TEAM_NAME',
  TEAM_NAME: 'owls',
  SANDBOX_TIMEOUT: '120000',
  SANDBOX_MEMORY_LIMIT: '32mb',
};

const MiB = 1024 * 1024;

/**
 * The Tool Agent template with a calculator and a custom tool, end to end over HTTP: tools and variables
 * made through the API, the prediction answered through the fake LLM, in either mode.
 */
export function sandboxSuite(factory: HarnessFactory): void {
  describe('tool agent with a sandboxed custom tool', () => {
    let h: ApiHarness;
    const target = new HttpTarget();
    beforeAll(async () => {
      await target.start();
      h = await factory(SANDBOX_SUITE_ENV);
    });
    afterAll(async () => {
      await h?.close();
      await target.stop();
    });

    async function createTool(fields: Partial<typeof WEATHER_TOOL> = {}): Promise<string> {
      const created = await h.admin.post('/api/v1/tools', { ...WEATHER_TOOL, color: 'blue', ...fields });
      expect(created.status, created.text).toBe(200);
      return created.body.id as string;
    }

    const agentFlow = (behaviour: string, toolId: string) => (credential: string) =>
      toolAgentFlow(modelPart('chatOpenAI', { model: `fake;${behaviour}`, root: h.fake.rootUrl, credential }), [
        toolPart('calculator'),
        customToolPart(toolId),
      ]);

    it('answers with the calculator and the custom tool, reading static and runtime variables', async () => {
      const toolId = await createTool({ func: 'return `${$city}: sunny, 21 ${$vars.unit} for team ${$vars.team} (${$flow.sessionId})`' });
      expect((await h.admin.post('/api/v1/variables', { name: 'unit', value: 'C', type: 'static' })).status).toBe(200);
      expect((await h.admin.post('/api/v1/variables', { name: 'team', value: '', type: 'runtime' })).status).toBe(400);
      expect((await h.admin.post('/api/v1/variables', { name: 'TEAM_NAME', type: 'runtime' })).status).toBe(200);
      await h.admin.put(`/api/v1/tools/${toolId}`, { func: 'return `${$city}: sunny, 21 ${$vars.unit} for team ${$vars.TEAM_NAME} (${$flow.sessionId})`' });

      const id = await createFlow(h, agentFlow('tool=calculator:{"input":"6*7"};tool=get_weather:{"city":"Paris"}', toolId));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'weather and sums?', chatId: 'sandbox-1' });
      expect(response.status, response.text).toBe(200);
      const weather = 'Paris: sunny, 21 C for team owls (sandbox-1)';
      expect(response.body.text).toBe(`Tool said: ${weather}`);
      expect(response.body.usedTools).toEqual([
        { tool: 'calculator', toolInput: { input: '6*7' }, toolOutput: '42' },
        { tool: 'get_weather', toolInput: { city: 'Paris' }, toolOutput: weather },
      ]);

      const stream = await h.anon.stream('POST', `/api/v1/prediction/${id}`, { question: 'again', chatId: 'sandbox-2', streaming: true });
      expect(streamedText(stream.events)).toBe('Tool said: Paris: sunny, 21 C for team owls (sandbox-2)');
      const used = stream.events.find((e) => e.event === 'usedTools');
      expect(used?.data).toHaveLength(2);
    });

    it('refuses escapes inside the tool and reports them to the model', async () => {
      const toolId = await createTool({ func: "return require('child_process').execSync('id').toString()" });
      const id = await createFlow(h, agentFlow('tool=get_weather:{"city":"x"}', toolId));
      const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'escape', chatId: 'sandbox-3' });
      expect(response.status).toBe(200);
      expect(response.body.usedTools[0].error).toContain("require('child_process') is not available in the sandbox");
    });

    it('a memory bomb in a tool fails at the memory limit, and the process running flows stays within its bound', async () => {
      // 640 MiB in 16 MiB pieces: before the cap, every piece passed and the worker kept it all.
      const bomb = 'const a = []; for (let i = 0; i < 40; i++) a.push(new Uint8Array(16 * 1024 * 1024)); return a.length * 16 + " MiB held"';
      const toolId = await createTool({ func: bomb });
      const id = await createFlow(h, agentFlow('tool=get_weather:{"city":"x"}', toolId));
      const pids = h.mode === 'queue' ? (h as QueueHarness).workers.map((w) => w.child.pid!) : [process.pid];
      const baseline = pids.reduce((sum, pid) => sum + rssOf(pid), 0);
      const { peak } = await peakRss(pids, async () => {
        for (let i = 0; i < 3; i += 1) {
          const response = await h.anon.post(`/api/v1/prediction/${id}`, { question: 'bomb', chatId: `sandbox-bomb-${i}` });
          expect(response.status, response.text).toBe(200);
          expect(response.body.usedTools[0].error).toContain('memory limit (SANDBOX_MEMORY_LIMIT)');
        }
      });
      // One worker at its cap (32 + 8 MiB), the start of two replacement workers, and noise.
      expect(peak - baseline, `peak ${Math.round((peak - baseline) / MiB)} MiB above the baseline`).toBeLessThan(200 * MiB);
    });

    it('a runaway tool never blocks other runs, and aborting its run stops it', async () => {
      target.route('/spinning', (_req, res) => res.writeHead(200).end('ok'));
      const spinId = await createTool({ func: `await fetch('${target.url}/spinning'); while (true) {}` });
      const okId = await createTool({ name: 'get_weather', func: 'return "calm in " + $city' });
      const spinning = await createFlow(h, agentFlow('tool=get_weather:{"city":"a"}', spinId));
      const calm = await createFlow(h, agentFlow('tool=get_weather:{"city":"b"}', okId));

      const started = await h.anon.post('/api/v1/runs', { chatflowId: spinning, question: 'spin', chatId: 'sandbox-spin' });
      expect(started.status).toBe(202);
      await eventually(() => target.requests.some((r) => r.url === '/spinning'), 30000, 'the runaway tool to start');

      const other = await h.anon.post(`/api/v1/prediction/${calm}`, { question: 'calm?', chatId: 'sandbox-calm' });
      expect(other.status).toBe(200);
      expect(other.body.text).toBe('Tool said: calm in b');
      expect((await h.anon.get(`/api/v1/runs/${started.body.runId}`)).body.status).toBe('running');

      await h.anon.post(`/api/v1/runs/${started.body.runId}/abort`);
      await eventually(async () => (await h.anon.get(`/api/v1/runs/${started.body.runId}`)).body.status === 'aborted', 20000, 'the run to end aborted');
    });
  });
}
