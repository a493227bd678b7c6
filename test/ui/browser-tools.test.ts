import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { modelPart, toolAgentFlow } from '../fixtures/agent-flows.js';
import { stringify } from '../fixtures/chatflows.js';
import { FakeLlmServer } from '../fixtures/fake-llm-server.js';
import { customToolPart } from '../fixtures/sandbox-flows.js';
import { testEnv } from '../support/test-server.js';
import { flowNode, screenshot } from './browser-helpers.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

/**
 * The Tools page in a browser: a custom tool written, test-run and saved without the API, then used by
 * an agent in the canvas chat, edited, stopped by the sandbox's time limit, and deleted.
 */
describe('custom tools in a browser', { timeout: 120_000 }, () => {
  let fake: FakeLlmServer;
  let suite: SignedInSuite;
  let page: Page;
  let toolId = '';

  beforeAll(async () => {
    fake = new FakeLlmServer();
    await fake.start();
    // The hostile test-run ends by the sandbox's limit, which the page shows; 3 s keeps the test short.
    suite = await startSignedIn(testEnv({ SANDBOX_TIMEOUT: '3000' }));
    page = suite.page;
  });
  afterEach(async (context) => screenshotIfFailed(page, 'tools', context));
  afterAll(async () => {
    await suite?.close();
    await fake?.stop();
  });

  const editor = () => page.getByRole('dialog');
  const code = () => editor().getByRole('textbox', { name: 'JavaScript function' });
  /** A form field of the editor by its exact label. */
  const field = (label: string) => editor().getByLabel(label, { exact: true });
  const result = () => editor().getByRole('region', { name: 'Test result' });

  it('creates a tool with code and a schema grid, test-runs it with inputs and saves it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('heading', { name: 'Tools' }).waitFor();
    await page.getByText('No custom tools yet.').waitFor();
    await page.getByRole('button', { name: 'Add Tool' }).click();

    await field('Tool name').fill('get forecast');
    await field('Description').fill('Tells the weather of a city for the coming days');
    await field('Property 1').fill('city');
    await field('Description 1').fill('City name');
    await editor().getByRole('button', { name: 'Add property' }).click();
    await field('Property 2').fill('days');
    await field('Type 2').selectOption('number');
    await field('Description 2').fill('Days ahead');
    await code().fill('return `${$city}: sunny for ${$days + 1} days`;');

    await field('$city (required)').fill('Paris');
    await field('$days').fill('2');
    await editor().getByRole('button', { name: 'Run test' }).click();
    await result().getByText('Paris: sunny for 3 days').waitFor();
    await expect.poll(() => result().getByRole('heading').textContent()).toMatch(/^Output/);

    // A name the model could not call the tool by: marked at once, the server's refusal shown, nothing saved.
    expect(await field('Tool name').getAttribute('aria-invalid')).toBe('true');
    await editor().getByRole('button', { name: 'Add tool' }).click();
    await editor().getByRole('alert').getByText(/name: must be 1 to 64 letters, digits, _ or -/).waitFor();
    expect((await suite.admin.get('/api/v1/tools')).body).toEqual([]);

    await field('Tool name').fill('get_forecast');
    expect(await field('Tool name').getAttribute('aria-invalid')).toBe('false');
    await screenshot(page, 'tools');
    await editor().getByRole('button', { name: 'Add tool' }).click();
    await page.getByRole('cell', { name: 'get_forecast', exact: true }).waitFor();

    const tools = (await suite.admin.get('/api/v1/tools')).body as Array<{ id: string; name: string; schema: string; func: string; description: string }>;
    expect(tools).toHaveLength(1);
    toolId = tools[0]!.id;
    expect(tools[0]).toMatchObject({ name: 'get_forecast', description: 'Tells the weather of a city for the coming days', func: 'return `${$city}: sunny for ${$days + 1} days`;' });
    expect(JSON.parse(tools[0]!.schema)).toEqual([
      { id: 0, property: 'city', type: 'string', description: 'City name', required: true },
      { id: 1, property: 'days', type: 'number', description: 'Days ahead', required: false },
    ]);
  });

  it('is picked in a Custom Tool node on the canvas and called by an agent in the chat', async () => {
    const credential = (await suite.admin.post('/api/v1/credentials', { name: 'fake', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-fake' } })).body.id as string;
    const model = modelPart('chatOpenAI', { model: 'fake;tool=get_forecast:{"city":"Oslo","days":2}', root: fake.rootUrl, credential });
    // The agent's Custom Tool node starts with no tool: the user picks the one just saved.
    const flowData = stringify(toolAgentFlow(model, [customToolPart('')]));
    const { id } = (await suite.admin.post('/api/v1/chatflows', { name: 'forecast agent', flowData })).body as { id: string };
    await page.goto(`${suite.server.url}/canvas/${id}`);
    const select = flowNode(page, 'customTool_0').getByRole('combobox', { name: 'Select Tool' });
    await select.locator('option', { hasText: 'get_forecast' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'get_forecast' });
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByLabel('Type your question').fill('Weather in Oslo?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.bot').getByText('Tool said: Oslo: sunny for 3 days').waitFor();
  });

  it('edits the tool, and a hostile test-run shows the sandbox time limit', async () => {
    await page.goto(`${suite.server.url}/tools`);
    await page.getByRole('button', { name: 'Edit get_forecast' }).click();
    await expect.poll(() => code().textContent()).toContain('sunny for');
    await expect.poll(() => field('Property 2').inputValue()).toBe('days');

    await code().fill('while (true) {}');
    await field('$city (required)').fill('Rome');
    await editor().getByRole('button', { name: 'Run test' }).click();
    await editor().getByRole('button', { name: 'Running…' }).waitFor();
    await result().getByRole('heading', { name: /Stopped: time limit/ }).waitFor();
    await result().getByText(/The code ran longer than 3000 ms \(SANDBOX_TIMEOUT\)/).waitFor();

    // A thrown error is shown with its message; Enter in an argument runs the test (it does not save).
    await code().fill('throw new RangeError("no forecast for " + $city)');
    await field('$city (required)').press('Enter');
    await result().getByText('RangeError: no forecast for Rome').waitFor();

    // A runaway output is cut as a flow cuts the observation, with its full length, so the editor stays usable.
    await code().fill('return "y".repeat(5e6)');
    await editor().getByRole('button', { name: 'Run test' }).click();
    await result().getByRole('note').filter({ hasText: 'Output cut: 5,000,000 characters in all' }).waitFor();
    const shown = (await result().locator('pre').textContent())!;
    expect(shown).toBe(`${'y'.repeat(100_000)}\n[output cut at 100000 of 5000000 characters]`);
    expect((await suite.admin.get(`/api/v1/tools/${toolId}`)).body.func).toContain('sunny for');

    await code().fill('return $city.toUpperCase();');
    await field('Description').fill('Shouts the city');
    await editor().getByRole('button', { name: 'Remove property 2' }).click();
    await editor().getByRole('button', { name: 'Save tool' }).click();
    await page.getByRole('cell', { name: 'Shouts the city', exact: true }).waitFor();
    const saved = (await suite.admin.get(`/api/v1/tools/${toolId}`)).body;
    expect(saved).toMatchObject({ name: 'get_forecast', description: 'Shouts the city', func: 'return $city.toUpperCase();' });
    expect(JSON.parse(saved.schema)).toEqual([{ id: 0, property: 'city', type: 'string', description: 'City name', required: true }]);
  });

  it('exports the tool as JSON and imports the file into a new tool', async () => {
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export get_forecast' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toBe('get_forecast-CustomTool.json');
    const exported = JSON.parse(fs.readFileSync((await file.path())!, 'utf8'));
    expect(exported).toMatchObject({ name: 'get_forecast', description: 'Shouts the city', func: 'return $city.toUpperCase();' });

    await page.getByLabel('Import a tool from a JSON file').setInputFiles({ name: 'tool.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
    await expect.poll(() => field('Tool name').inputValue()).toBe('get_forecast');
    await expect.poll(() => field('Property 1').inputValue()).toBe('city');
    // The name is taken: warned (Flowise and its clients allow it, so it is not refused), gone once renamed.
    const taken = editor().getByRole('status').filter({ hasText: 'A tool named get_forecast already exists: saving adds a second one' });
    await taken.waitFor();
    await field('Tool name').fill('shout_city');
    await taken.waitFor({ state: 'detached' });
    await editor().getByRole('button', { name: 'Add tool' }).click();
    await page.getByRole('cell', { name: 'shout_city', exact: true }).waitFor();
    const copy = ((await suite.admin.get('/api/v1/tools')).body as Array<{ name: string; schema: string; func: string }>).find((t) => t.name === 'shout_city');
    expect(copy).toMatchObject({ func: 'return $city.toUpperCase();', schema: exported.schema });

    await page.getByLabel('Import a tool from a JSON file').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"title": 1}') });
    await page.getByRole('alert').getByText('Cannot import notes.json: The file is not a tool export (no "name")').waitFor();
  });

  it("lays out CodeMirror's search panel as CodeMirror draws it, in the page's colours in dark mode too", async () => {
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Edit get_forecast' }).click();
    await expect.poll(() => code().textContent()).toContain('toUpperCase');
    await code().click();
    await page.keyboard.press('Control+f');
    const search = editor().locator('.cm-search');
    const find = search.getByRole('textbox', { name: 'Find' });
    await find.waitFor();
    const matchCase = search.getByRole('checkbox', { name: 'match case' });
    const [box, label, findBox, panel] = await Promise.all([
      matchCase.boundingBox(),
      search.locator('label').filter({ hasText: 'match case' }).boundingBox(),
      find.boundingBox(),
      search.boundingBox(),
    ]);
    // Checkbox and its words on one line (not stacked by the form's column labels); the Find box not full width.
    expect(label!.height).toBeLessThan(box!.height * 2);
    expect(label!.width).toBeGreaterThan(box!.width * 2);
    expect(findBox!.width).toBeLessThan(panel!.width / 2);
    const colours = (await page.evaluate(`(() => {
      const dialog = document.querySelector('dialog[open]');
      const of = (selector) => getComputedStyle(selector ? dialog.querySelector(selector) : dialog);
      return [of('.cm-panels').backgroundColor, of('').backgroundColor, of('.cm-search label').color, of('').color, of('.cm-search .cm-button').backgroundImage];
    })()`)) as string[];
    expect(colours[0]).toBe(colours[1]);
    expect(colours[2]).toBe(colours[3]);
    expect(colours[4]).toBe('none');
    await screenshot(page, 'tool-search-dark');
    // Escape closes the search only, then the editor.
    await page.keyboard.press('Escape');
    await find.waitFor({ state: 'detached' });
    await editor().getByRole('button', { name: 'Close' }).click();
    await editor().waitFor({ state: 'hidden' });
    await page.getByLabel('Theme').selectOption('system');
  });

  it('asks before closing an editor with unsaved changes', async () => {
    const editorNamed = page.getByRole('dialog', { name: 'Edit tool get_forecast' });
    await page.getByRole('button', { name: 'Edit get_forecast' }).click();
    await editorNamed.getByRole('button', { name: 'Close' }).click();
    await editorNamed.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Edit get_forecast' }).click();
    await field('Description').fill('Not kept');
    await editorNamed.getByRole('button', { name: 'Close' }).click();
    const discard = page.getByRole('dialog', { name: 'Discard changes' });
    await discard.getByRole('button', { name: 'Cancel' }).click();
    await discard.waitFor({ state: 'hidden' });
    expect(await field('Description').inputValue()).toBe('Not kept');
    // Escape asks the same way.
    await field('Description').press('Escape');
    await discard.getByRole('button', { name: 'Discard' }).click();
    await editorNamed.waitFor({ state: 'hidden' });
    expect((await suite.admin.get(`/api/v1/tools/${toolId}`)).body.description).toBe('Shouts the city');
  });

  it('deletes tools', async () => {
    for (const name of ['get_forecast', 'shout_city']) {
      await page.getByRole('button', { name: `Delete ${name}` }).click();
      await page.getByRole('dialog', { name: 'Delete tool' }).getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => page.getByRole('cell', { name, exact: true }).count()).toBe(0);
    }
    await page.getByText('No custom tools yet.').waitFor();
    expect((await suite.admin.get(`/api/v1/tools/${toolId}`)).status).toBe(404);
    expect((await suite.admin.get('/api/v1/tools')).body).toEqual([]);
  });
});
