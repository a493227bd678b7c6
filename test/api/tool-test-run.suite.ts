import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTarget } from '../support/http-target.js';
import { type ApiHarness, type HarnessFactory, eventually } from '../support/api-harness.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const schema = [
  { property: 'city', type: 'string', description: 'City', required: true },
  { property: 'days', type: 'number', description: 'Days ahead', required: false },
  { property: 'metric', type: 'boolean', description: 'Celsius?', required: false },
  { property: 'when', type: 'date', description: 'Day', required: false },
];

/**
 * `POST /api/v1/tools/test`: unsaved code run once in the customTool node's sandbox. The server runs it
 * itself in both modes (a test-run is no flow run), so the suite runs against either.
 */
export function toolTestRunSuite(factory: HarnessFactory): void {
  describe('tool test-run API', () => {
    let h: ApiHarness;
    const target = new HttpTarget();
    beforeAll(async () => {
      await target.start();
      h = await factory({
        RUNTIME_VARIABLES_ALLOW_LIST: 'TEAM_NAME',
        TEAM_NAME: 'owls',
        // Code that spins must end by the limit, not by the test's patience: the limit is the sandbox's.
        SANDBOX_TIMEOUT: '2000',
        SANDBOX_MEMORY_LIMIT: '16mb',
      });
    });
    afterAll(async () => {
      await h?.close();
      await target.stop();
    });

    const testRun = (body: unknown) => h.admin.post('/api/v1/tools/test', body);

    it('runs the code with the arguments as $<property>, numbers, booleans and dates typed', async () => {
      const response = await testRun({
        func: 'return { city: $city, days: $days + 1, metric: $metric === true, year: $when.getUTCFullYear() }',
        schema: JSON.stringify(schema),
        input: { city: 'Paris', days: 2, metric: true, when: '2024-05-06' },
      });
      expect(response.status, response.text).toBe(200);
      expect(response.body).toMatchObject({ ok: true, kind: 'json', output: '{"city":"Paris","days":3,"metric":true,"year":2024}' });
      expect(response.body.durationMs).toBeGreaterThanOrEqual(0);

      const text = await testRun({ func: 'return `sunny in ${$city}`', schema, input: { city: 'Oslo' } });
      expect(text.body).toMatchObject({ ok: true, kind: 'string', output: 'sunny in Oslo' });
      const nothing = await testRun({ func: 'const x = 1;' });
      expect(nothing.body).toMatchObject({ ok: true, kind: 'undefined', output: '' });
    });

    it('gives the code the stored variables as $vars, runtime ones from the allowed environment', async () => {
      expect((await h.admin.post('/api/v1/variables', { name: 'unit', value: 'C', type: 'static' })).status).toBe(200);
      expect((await h.admin.post('/api/v1/variables', { name: 'TEAM_NAME', type: 'runtime' })).status).toBe(200);
      const response = await testRun({ func: 'return $vars.unit + "/" + $vars.TEAM_NAME' });
      expect(response.body).toMatchObject({ ok: true, output: 'C/owls' });
    });

    it('reports what the code did wrong: syntax, a thrown error, the timeout, the memory limit, a refused address', async () => {
      const syntax = await testRun({ func: 'return (' });
      expect(syntax.status).toBe(200);
      expect(syntax.body).toMatchObject({ ok: false, failure: 'CODE_ERROR' });
      expect(syntax.body.error).toMatch(/^SyntaxError: /);

      const thrown = await testRun({ func: 'throw new TypeError("no city given")' });
      expect(thrown.body).toMatchObject({ ok: false, failure: 'CODE_ERROR', error: 'TypeError: no city given' });

      const spin = await testRun({ func: 'while (true) {}' });
      expect(spin.status).toBe(200);
      expect(spin.body).toMatchObject({ ok: false, failure: 'TIMEOUT' });
      expect(spin.body.error).toMatch(/^The code ran longer than 2000 ms \(SANDBOX_TIMEOUT\)/);

      const hog = await testRun({ func: 'const a = []; while (true) a.push("x".repeat(100000) + a.length);' });
      expect(hog.body).toMatchObject({ ok: false, failure: 'MEMORY' });
      expect(hog.body.error).toContain('SANDBOX_MEMORY_LIMIT');

      // The outbound policy refuses private addresses unless HTTP_ALLOW_LIST names them.
      const fetched = await testRun({ func: `const r = await fetch(${JSON.stringify(target.url)}); return r.status` });
      expect(fetched.body).toMatchObject({ ok: false, failure: 'CODE_ERROR' });
      expect(fetched.body.error).toContain('Request refused');
      expect(target.requests).toHaveLength(0);

      // A runaway output (or error) is cut as a flow cuts the tool's observation, with its full length.
      const huge = await testRun({ func: 'return "y".repeat(5e6)' });
      expect(huge.body.output).toBe(`${'y'.repeat(100_000)}\n[output cut at 100000 of 5000000 characters]`);
      expect(huge.body).toMatchObject({ ok: true, kind: 'string', outputLength: 5_000_000 });
      const loud = await testRun({ func: 'throw new Error("e".repeat(3e5))' });
      expect(loud.body.ok).toBe(false);
      expect(loud.body.error.length).toBeLessThan(100_100);
      expect(loud.body.error).toMatch(/\[output cut at 100000 of \d+ characters\]$/);
      expect((await testRun({ func: 'return "short"' })).body.outputLength).toBeUndefined();

      // The server is unharmed: the next run answers.
      expect((await testRun({ func: 'return 6 * 7' })).body).toMatchObject({ ok: true, output: '42' });
    });

    it('refuses bad bodies and arguments with a 400 naming the field', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{}, /func: must be a string/],
        [{ func: 42 }, /func: must be a string/],
        [{ func: '   ' }, /func: must not be empty/],
        [{ func: 'return 1', extra: true }, /Unrecognized key.*extra/i],
        [{ func: 'return 1', input: [1] }, /input: must be an object of argument values/],
        [{ func: 'return 1', schema: '[{' }, /schema is not valid JSON/],
        [{ func: 'return 1', schema: [{ property: 'list', type: 'array' }] }, /schema\[0\]\.type: must be one of string, number, boolean, date/],
        [{ func: 'return 1', schema: [{ property: 'my city', type: 'string' }] }, /schema\[0\]\.property: must start with a letter/],
        [{ func: 'return 1', schema, input: {} }, /^input\.city: required$/],
        [{ func: 'return $x', schema: [{ property: 'x', type: 'number', required: true }], input: {} }, /^input\.x: required$/],
        [{ func: 'return $x', schema: [{ property: 'x', type: 'boolean', required: true }], input: { x: null } }, /^input\.x: required$/],
        [{ func: 'return 1', schema, input: { city: 'Paris', days: 'many' } }, /^input\.days: /],
        [{ func: 'return 1', schema, input: { city: 'Paris', metric: 'yes' } }, /^input\.metric: /],
        [{ func: 'return 1', schema, input: { city: 'Paris', when: 'someday' } }, /^input\.when: must be a date/],
        [{ func: 'return 1', schema, input: { city: 'Paris', country: 'FR' } }, /^input\.country: not a property of the schema/],
        [[], /expected object/],
      ];
      for (const [body, message] of cases) {
        const response = await testRun(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body.code, JSON.stringify(body)).toBe('VALIDATION_FAILED');
        expect(response.body.message, JSON.stringify(body)).toMatch(message);
      }
      const notJson = await h.admin.request('POST', '/api/v1/tools/test', { rawBody: '{"func":', headers: { 'content-type': 'application/json' } });
      expect(notJson.status).toBe(400);
      const missing = await h.admin.request('POST', '/api/v1/tools/test', { headers: { 'content-type': 'application/json' } });
      expect(missing.status).toBe(400);
    });

    it('is a management route: anonymous callers are refused', async () => {
      const response = await h.anon.post('/api/v1/tools/test', { func: 'return 1' });
      expect(response.status).toBe(401);
    });
  });

  describe('tool test-run whose client goes away', () => {
    let h: ApiHarness;
    const target = new HttpTarget();
    beforeAll(async () => {
      target.route('/started', (_request, response) => response.end('ok'));
      await target.start();
      // One worker and a long limit: the next run can only answer soon if the abandoned one was stopped.
      h = await factory({ HTTP_ALLOW_LIST: '127.0.0.1', SANDBOX_POOL_SIZE: '1', SANDBOX_TIMEOUT: '600000' });
    });
    afterAll(async () => {
      await h?.close();
      await target.stop();
    });

    it('stops the code when the client closes the connection', { timeout: 60_000 }, async () => {
      const client = new AbortController();
      const abandoned = fetch(`${h.url}/api/v1/tools/test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ func: `await fetch(${JSON.stringify(`${target.url}/started`)}); while (true) {}` }),
        signal: client.signal,
      }).catch((error: unknown) => error);
      await eventually(() => target.requests.some((r) => r.url === '/started') || undefined, 30_000, 'the code to start');
      client.abort();
      expect(await abandoned).toBeInstanceOf(Error);
      const next = await h.admin.post('/api/v1/tools/test', { func: 'return "free"' });
      expect(next.body).toMatchObject({ ok: true, output: 'free' });
    });
  });
}
