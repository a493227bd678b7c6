import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variableSource } from '../../../src/runner/engine-services.js';
import { type ApiHarness, startMainHarness } from '../../support/api-harness.js';

/** Error bodies name their code in `code` (older servers: `error`). */
const codeOf = (body: { code?: string; error?: string }) => body.code ?? body.error;

describe('tools and variables API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startMainHarness({ RUNTIME_VARIABLES_ALLOW_LIST: 'OPENWEATHER_KEY', OPENWEATHER_KEY: 'secret-value' });
  });
  afterAll(async () => h?.close());

  const schema = JSON.stringify([{ id: 1, property: 'city', type: 'string', description: 'City', required: true }]);

  it('creates, reads, lists, updates and deletes a tool with Flowise fields', async () => {
    const created = await h.admin.post('/api/v1/tools', { name: 'get_weather', description: 'Weather', color: 'red', iconSrc: 'x.svg', schema, func: 'return $city' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'get_weather', description: 'Weather', color: 'red', iconSrc: 'x.svg', schema, func: 'return $city' });
    const id = created.body.id as string;
    expect(created.body).toHaveProperty('createdDate');
    expect((await h.admin.get(`/api/v1/tools/${id}`)).body).toEqual(created.body);

    const second = await h.admin.post('/api/v1/tools', { name: 'other', description: 'Other', schema: [{ property: 'n', type: 'number', description: 'n' }] });
    expect(second.body.schema).toBe('[{"property":"n","type":"number","description":"n"}]');
    expect(second.body.color).toBeTruthy();
    const list = await h.admin.get('/api/v1/tools');
    expect(list.body.map((t: { id: string }) => t.id).sort()).toEqual([second.body.id, id].sort());
    const pages = [(await h.admin.get('/api/v1/tools?page=1&limit=1')).body, (await h.admin.get('/api/v1/tools?page=2&limit=1')).body];
    expect(pages.map((p) => p.total)).toEqual([2, 2]);
    expect(pages.flatMap((p) => p.data.map((t: { id: string }) => t.id)).sort()).toEqual([second.body.id, id].sort());
    expect((await h.admin.get('/api/v1/tools?page=0&limit=1')).status).toBe(400);

    const updated = await h.admin.put(`/api/v1/tools/${id}`, { description: 'Current weather', func: 'return "sunny in " + $city' });
    expect(updated.body).toMatchObject({ id, name: 'get_weather', description: 'Current weather', func: 'return "sunny in " + $city', schema });
    expect(updated.body.updatedDate >= created.body.updatedDate).toBe(true);

    expect((await h.admin.delete(`/api/v1/tools/${id}`)).body).toEqual({ id, deleted: true });
    const gone = await h.admin.get(`/api/v1/tools/${id}`);
    expect(gone.status).toBe(404);
    expect(codeOf(gone.body)).toBe('TOOL_NOT_FOUND');
    expect((await h.admin.put(`/api/v1/tools/${id}`, { name: 'x' })).status).toBe(404);
    expect((await h.admin.delete(`/api/v1/tools/${id}`)).status).toBe(404);
  });

  it('keeps the id of a tool brought from Flowise, so flows selecting it by id run unchanged', async () => {
    const id = '3f0f4c52-8a3e-4d5b-9a2c-0c1d2e3f4a5b';
    const created = await h.admin.post('/api/v1/tools', { id, name: 'imported', description: 'From Flowise', schema, func: 'return 1' });
    expect(created.body.id).toBe(id);
    expect((await h.admin.get(`/api/v1/tools/${id}`)).body.name).toBe('imported');
    const again = await h.admin.post('/api/v1/tools', { id, name: 'imported', description: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`A tool with id ${id} already exists`);
    expect((await h.admin.post('/api/v1/tools', { id: 'not-a-uuid', name: 'x', description: 'd' })).body.message).toMatch(/id: must be a UUID/);
    // A second tool with a name already used is accepted, as Flowise accepts it (the web UI warns instead).
    const twin = await h.admin.post('/api/v1/tools', { name: 'imported', description: 'same name, other id' });
    expect(twin.status).toBe(200);
    await h.admin.delete(`/api/v1/tools/${twin.body.id}`);
    await h.admin.delete(`/api/v1/tools/${id}`);
  });

  it('rejects bad tools with a message naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ description: 'd' }, /name/],
      [{ name: 'has space', description: 'd' }, /name: must be 1 to 64 letters/],
      [{ name: 'ok', description: '' }, /description: must not be empty/],
      [{ name: 'ok', description: 'd', schema: 'not json' }, /schema is not valid JSON/],
      [{ name: 'ok', description: 'd', schema: '{"property":"a"}' }, /schema must be an array/],
      [{ name: 'ok', description: 'd', schema: [{ property: 'a', type: 'object' }] }, /schema\[0\]\.type: must be one of string, number, boolean, date/],
      [{ name: 'ok', description: 'd', schema: [{ property: '1a', type: 'string' }] }, /schema\[0\]\.property: must start with a letter/],
      [{ name: 'ok', description: 'd', schema: [{ property: 'a', type: 'string' }, { property: 'a', type: 'number' }] }, /schema\[1\]\.property: "a" appears twice/],
    ];
    for (const [body, message] of cases) {
      const response = await h.admin.post('/api/v1/tools', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.message, JSON.stringify(body)).toMatch(message);
    }
  });

  it('stores variables, refuses runtime ones outside RUNTIME_VARIABLES_ALLOW_LIST, never shows environment values', async () => {
    const stat = await h.admin.post('/api/v1/variables', { name: 'region', value: 'eu' });
    expect(stat.status).toBe(200);
    expect(stat.body).toMatchObject({ name: 'region', value: 'eu', type: 'static' });
    const runtime = await h.admin.post('/api/v1/variables', { name: 'OPENWEATHER_KEY', type: 'runtime' });
    expect(runtime.status).toBe(200);
    expect(runtime.body.value).toBeNull();
    const listed = await h.admin.get('/api/v1/variables');
    expect(listed.text).not.toContain('secret-value');
    expect(listed.body.map((v: { name: string }) => v.name).sort()).toEqual(['OPENWEATHER_KEY', 'region']);

    const home = await h.admin.post('/api/v1/variables', { name: 'HOME', type: 'runtime' });
    expect(home.status).toBe(400);
    expect(home.body.message).toBe('Runtime variable "HOME" would read the environment variable HOME, which RUNTIME_VARIABLES_ALLOW_LIST does not list');
    const toRuntime = await h.admin.put(`/api/v1/variables/${stat.body.id}`, { type: 'runtime' });
    expect(toRuntime.status).toBe(400);

    const duplicate = await h.admin.post('/api/v1/variables', { name: 'region', value: 'us' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toBe('A variable named "region" already exists');
    expect((await h.admin.post('/api/v1/variables', { name: 'bad name', value: 'x' })).status).toBe(400);
    expect((await h.admin.post('/api/v1/variables', { name: 'x', value: 'y', type: 'string' })).status).toBe(400);

    const renamed = await h.admin.put(`/api/v1/variables/${stat.body.id}`, { name: 'area', value: 42 });
    expect(renamed.body).toMatchObject({ id: stat.body.id, name: 'area', value: '42', type: 'static' });
    expect((await h.admin.delete(`/api/v1/variables/${stat.body.id}`)).body).toEqual({ id: stat.body.id, deleted: true });
    const missing = await h.admin.delete(`/api/v1/variables/${stat.body.id}`);
    expect(missing.status).toBe(404);
    expect(codeOf(missing.body)).toBe('VARIABLE_NOT_FOUND');
  });

  it('refuses the names every JavaScript object has, and reads an old one as an ordinary variable', async () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      const created = await h.admin.post('/api/v1/variables', { name, value: 'x' });
      expect(created.status, name).toBe(400);
      expect(created.body.message, name).toBe('name: must not be __proto__, constructor or prototype (every JavaScript object has these)');
    }
    const ok = await h.admin.post('/api/v1/variables', { name: 'proto_ok', value: 'x' });
    expect(ok.status).toBe(200);
    expect((await h.admin.put(`/api/v1/variables/${ok.body.id}`, { name: 'constructor' })).status).toBe(400);
    await h.admin.delete(`/api/v1/variables/${ok.body.id}`);

    // A row stored before the names were refused is a variable like any other, never a prototype.
    const legacy = await h.repos.variables.create({ name: '__proto__', value: 'legacy', type: 'static' });
    const values = await variableSource(h.repos, { allowList: [], values: {} }).load();
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect(values['__proto__']).toBe('legacy');
    expect(Object.hasOwn(values, 'toString')).toBe(false);
    await h.repos.variables.delete(legacy.id);
  });

  it('needs management access', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/tools'],
      ['POST', '/api/v1/tools'],
      ['GET', '/api/v1/variables'],
      ['DELETE', '/api/v1/variables/x'],
    ] as const) {
      expect((await h.anon.request(method, path, { body: method === 'POST' ? {} : undefined })).status, `${method} ${path}`).toBe(401);
    }
  });
});
