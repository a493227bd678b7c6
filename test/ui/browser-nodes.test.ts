import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { flowNode } from './browser-helpers.js';
import { type SignedInSuite, flowOf, openFlow as open, screenshotIfFailed, startSignedIn } from './browser-suite.js';

/** The canvas zoom, read from React Flow's viewport transform. */
const zoomOf = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);

/**
 * Node cards in the browser: credentials that change elsewhere, dialogs over the canvas, node types the
 * server does not run, chatflows bound to a deleted API key, and the editors of file, grid and list params.
 */
describe('node cards in a browser', { timeout: 120_000 }, () => {
  let suite: SignedInSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;

  const openFlow = (name: string, flowData: string) => open(suite, page, name, flowData);

  async function saveCanvas(): Promise<void> {
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  }

  const storedInputs = async (id: string, nodeId: string) =>
    (JSON.parse((await admin.get(`/api/v1/chatflows/${id}`)).body.flowData).nodes as Array<{ id: string; data: { inputs: Record<string, unknown> } }>).find((n) => n.id === nodeId)!.data.inputs;

  beforeAll(async () => {
    suite = await startSignedIn();
    ({ server, page, admin } = suite);
  });
  afterEach((context) => screenshotIfFailed(page, 'nodes', context));
  afterAll(() => suite?.close());

  it('lists credentials as they are now: renamed on opening, deleted as "Credential missing"', async () => {
    const cred = (await admin.post('/api/v1/credentials', { name: 'first name', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk-1' } })).body as { id: string };
    await openFlow('credential flow', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI', credential: cred.id }]));
    const picker = flowNode(page, 'chatOpenAI_0').getByRole('combobox', { name: 'Connect Credential' });
    const selected = () => picker.evaluate((s) => (s as unknown as { selectedOptions: Array<{ text: string }> }).selectedOptions[0]?.text);
    await expect.poll(selected).toBe('first name');

    // Renamed elsewhere while the canvas is open: opening the picker asks again.
    expect((await admin.put(`/api/v1/credentials/${cred.id}`, { name: 'second name' })).status).toBe(200);
    await picker.focus();
    await expect.poll(selected).toBe('second name');

    // Deleted elsewhere: the card says so instead of showing a stale name, with or without a reload.
    expect((await admin.delete(`/api/v1/credentials/${cred.id}`)).status).toBe(200);
    await picker.blur();
    await picker.focus();
    await expect.poll(selected).toBe('Credential missing');
    await page.reload();
    await expect.poll(selected).toBe('Credential missing');
    await flowNode(page, 'chatOpenAI_0').getByText('Credential missing: it was deleted').first().waitFor();
  });

  it('keeps wheel and drags inside a node dialog: the canvas neither zooms nor moves the node', async () => {
    await openFlow('dialog flow', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    await flowNode(page, 'chatOpenAI_0').getByRole('button', { name: 'Additional Parameters' }).click();
    const dialog = page.getByRole('dialog', { name: 'OpenAI: Additional Parameters' });
    await dialog.waitFor();
    const zoomBefore = await zoomOf(page);
    const nodeBefore = await flowNode(page, 'chatOpenAI_0').getAttribute('style');
    const box = (await dialog.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 400);
    // Text selection by dragging inside the dialog.
    await page.mouse.move(box.x + 30, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 30, box.y + box.height - 30, { steps: 8 });
    await page.mouse.up();
    expect(await dialog.isVisible()).toBe(true);
    // The Close click is handled after the wheel and drag events: once the dialog is gone, they were all seen.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await zoomOf(page)).toBe(zoomBefore);
    expect(await flowNode(page, 'chatOpenAI_0').getAttribute('style')).toBe(nodeBefore);
  });

  it('keeps an open node dialog when the canvas zooms out to compact cards', async () => {
    await openFlow('compact flow', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    await flowNode(page, 'chatOpenAI_0').getByRole('button', { name: 'Additional Parameters' }).click();
    const dialog = page.getByRole('dialog', { name: 'OpenAI: Additional Parameters' });
    await dialog.getByLabel('Base Path', { exact: true }).fill('http://127.0.0.1:9');
    // However the canvas gets zoomed (the modal dialog makes the page inert to the mouse, so the wheel is sent to the pane directly).
    await page.locator('.react-flow__pane').dispatchEvent('wheel', { deltaY: 4000, deltaMode: 0, clientX: 300, clientY: 300, bubbles: true, cancelable: true });
    await flowNode(page, 'chatOpenAI_0').locator('.node-card.compact').waitFor();
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Base Path', { exact: true }).inputValue()).toBe('http://127.0.0.1:9');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('marks node types the server does not run, with a generic icon, and lists them on Save', async () => {
    await openFlow('unsupported flow', flowOf([{ id: 'pinecone_0', name: 'pinecone' }, { id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    const card = flowNode(page, 'pinecone_0');
    await card.getByRole('note').filter({ hasText: 'Not supported by aimicromind: this node will make predictions fail' }).waitFor();
    await expect.poll(() => card.locator('.node-card').getAttribute('class')).toContain('unsupported');
    await expect.poll(() => card.locator('img').first().getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(await card.getByText('Output', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const list = page.getByRole('complementary', { name: 'Nodes that need attention' });
    await list.getByText(/pinecone_0.*Not supported by aimicromind/).waitFor();
  });

  it('says a chatflow is bound to a deleted key, lets No Authorization unbind it, and lists it on the API Keys page', async () => {
    const key = (await admin.post('/api/v1/apikey', { keyName: 'doomed key' })).body as { id: string };
    const id = await openFlow('bound flow', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    expect((await admin.put(`/api/v1/chatflows/${id}`, { apikeyid: key.id })).status).toBe(200);
    expect((await admin.delete(`/api/v1/apikey/${key.id}`)).status).toBe(200);

    await page.goto(`${server.url}/apikeys`);
    const orphans = page.getByRole('region', { name: 'Chatflows bound to a deleted key' });
    await orphans.getByRole('link', { name: 'bound flow' }).click();
    await flowNode(page, 'chatOpenAI_0').waitFor();
    await page.getByRole('button', { name: 'API Endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'API Endpoint' });
    await dialog.getByRole('alert').filter({ hasText: 'Bound to a deleted key: predictions answer 401' }).waitFor();
    await dialog.getByLabel('Chatflow API key').selectOption({ label: 'No Authorization' });
    await expect.poll(async () => (await admin.get(`/api/v1/chatflows/${id}`)).body.apikeyid ?? null).toBe(null);
    await expect.poll(() => dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('picks files for a file param as Flowise data URIs, lists them and removes one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aim-files-'));
    fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha');
    fs.writeFileSync(path.join(dir, 'b.md'), '# beta');
    const id = await openFlow('file flow', flowOf([{ id: 'textFile_0', name: 'textFile' }]));
    const card = flowNode(page, 'textFile_0');
    const input = card.locator('input[type=file]');
    expect(await input.getAttribute('accept')).toContain('.txt');
    await input.setInputFiles([path.join(dir, 'a.txt'), path.join(dir, 'b.md')]);
    const files = card.getByRole('list', { name: 'Txt File files' });
    await files.getByText('b.md').waitFor();
    await saveCanvas();
    const both = JSON.parse(String((await storedInputs(id, 'textFile_0')).txtFile)) as string[];
    expect(both).toEqual([`data:text/plain;base64,${Buffer.from('alpha').toString('base64')},filename:a.txt`, expect.stringMatching(/^data:text\/markdown;base64,.*,filename:b\.md$/)]);

    // A big file is flagged: its data URI would ride in every save and load of the chatflow.
    await input.setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(6 * 1024 * 1024, 'a') });
    await files.getByRole('listitem').filter({ hasText: 'big.txt' }).getByText(/6\.0 MB: large files make the chatflow slow/).waitFor();
    await files.getByRole('button', { name: 'Remove big.txt' }).click();
    await expect.poll(() => files.getByRole('listitem').count()).toBe(2);
    await files.getByRole('button', { name: 'Remove a.txt' }).click();
    await expect.poll(() => files.getByRole('listitem').count()).toBe(1);
    await saveCanvas();
    expect((await storedInputs(id, 'textFile_0')).txtFile).toMatch(/^data:text\/markdown;base64,[^,]+,filename:b\.md$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('edits a datagrid param as rows and an array param as items, stored as Flowise stores them', async () => {
    const id = await openFlow('grid flow', flowOf([{ id: 'structuredOutputParser_0', name: 'structuredOutputParser', inputs: { jsonStructure: '[]' } }, { id: 'chatGoogleGenerativeAI_0', name: 'chatGoogleGenerativeAI' }]));
    await flowNode(page, 'structuredOutputParser_0').getByRole('button', { name: 'Additional Parameters' }).click();
    let dialog = page.getByRole('dialog', { name: /Additional Parameters/ });
    await dialog.getByRole('button', { name: 'Add row' }).click();
    await dialog.getByLabel('Property 1').fill('answer');
    await dialog.getByLabel('Type 1').selectOption('number');
    await dialog.getByLabel('Description 1').fill('the number asked for');
    await dialog.getByRole('button', { name: 'Close' }).click();

    await flowNode(page, 'chatGoogleGenerativeAI_0').getByRole('button', { name: 'Additional Parameters' }).click();
    dialog = page.getByRole('dialog', { name: /Additional Parameters/ });
    await dialog.getByRole('button', { name: 'Add Safety Settings' }).click();
    await dialog.getByLabel('Harm Category 1').selectOption('HARM_CATEGORY_HARASSMENT');
    await dialog.getByLabel('Harm Block Threshold 1').selectOption('BLOCK_ONLY_HIGH');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await saveCanvas();

    const grid = (await storedInputs(id, 'structuredOutputParser_0')).jsonStructure;
    expect(JSON.parse(String(grid))).toEqual([expect.objectContaining({ property: 'answer', type: 'number', description: 'the number asked for' })]);
    const safety = (await storedInputs(id, 'chatGoogleGenerativeAI_0')).safetySettings;
    expect(typeof safety === 'string' ? JSON.parse(safety) : safety).toEqual([expect.objectContaining({ harmCategory: 'HARM_CATEGORY_HARASSMENT', harmBlockThreshold: 'BLOCK_ONLY_HIGH' })]);
  });

  it('offers the saved tools in a dropdown for an asyncOptions param, from node-load-method', async () => {
    const tool = (await admin.post('/api/v1/tools', { name: 'weather_lookup', description: 'Looks up the weather', func: 'return "sunny";' })).body as { id: string };
    const id = await openFlow('tool flow', flowOf([{ id: 'customTool_0', name: 'customTool' }]));
    const select = flowNode(page, 'customTool_0').getByRole('combobox', { name: 'Select Tool' });
    await select.locator('option', { hasText: 'weather_lookup' }).waitFor({ state: 'attached' });
    await select.selectOption({ label: 'weather_lookup' });
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    expect((await storedInputs(id, 'customTool_0')).selectedTool).toBe(tool.id);
  });
});
