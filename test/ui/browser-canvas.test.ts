import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client.js';
import type { TestBrowser } from '../support/browser.js';
import type { RunningServer } from '../support/test-server.js';
import { canvasShortcut, dragHandle, flowNode, handle } from './browser-helpers.js';
import { type SignedInSuite, flowOf, openFlow as open, screenshotIfFailed, startSignedIn } from './browser-suite.js';

type CatalogueEntry = { name: string; label: string; category: string; description: string };

const zoomOf = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => Number(/scale\(([\d.]+)\)/.exec((el as unknown as { style: { transform: string } }).style.transform)?.[1]));
/** An element's computed background (page-side; the test's TypeScript has no DOM types). */
const backgroundOf = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor;
const positionOf = (page: Page, id: string) => flowNode(page, id).evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);

/**
 * The canvas's editing in a browser: palette keys and placement, problems kept live, history and
 * tab drafts, import checks, paste placement, saving when the chatflow or the server is gone.
 */
describe('canvas editing in a browser', { timeout: 120_000 }, () => {
  let suite: SignedInSuite;
  let server: RunningServer;
  let browser: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  const openFlow = (name: string, flowData: string, on = page) => open(suite, on, name, flowData);

  beforeAll(async () => {
    suite = await startSignedIn();
    ({ server, browser, page, admin } = suite);
  });
  afterEach((context) => screenshotIfFailed(page, 'canvas', context));
  afterAll(() => suite?.close());

  it('palette: Enter adds the first node shown, arrows move the highlight, and the zoom stays', async () => {
    // A query whose first match in catalogue order is not the first one shown (the list is grouped by category).
    const catalogue = (await admin.get('/api/v1/nodes')).body as CatalogueEntry[];
    const matches = (q: string) => catalogue.filter((n) => `${n.label} ${n.name} ${n.category} ${n.description}`.toLowerCase().includes(q));
    const shownOrder = (list: CatalogueEntry[]) => [...list].sort((a, b) => a.category.localeCompare(b.category));
    const query = ['openai', 'memory', 'loader', 'json', 'chain', 'retriever', 'tool'].find((q) => matches(q)[0]?.name !== shownOrder(matches(q))[0]?.name)!;
    expect(query).toBeDefined();
    const [first, second] = shownOrder(matches(query));

    await page.goto(`${server.url}/canvas`);
    await page.getByRole('button', { name: 'Add node' }).click();
    const zoom = await zoomOf(page);
    const search = page.getByLabel('Search nodes');
    await search.fill(query);
    await search.press('Enter');
    await flowNode(page, `${first!.name}_0`).waitFor();
    await search.fill(query);
    await search.press('ArrowDown');
    await search.press('Enter');
    await flowNode(page, `${second!.name}_0`).waitFor();
    expect(await zoomOf(page)).toBe(zoom);
    // The second node does not sit on the first.
    expect(await positionOf(page, `${second!.name}_0`)).not.toBe(await positionOf(page, `${first!.name}_0`));
  });

  it('keeps the "needs attention" count live, and says why a connection is refused', async () => {
    await openFlow('problems', flowOf([{ id: 'llmChain_0', name: 'llmChain', x: 450 }, { id: 'conversationChain_0', name: 'conversationChain', x: 900 }, { id: 'chatOpenAI_0', name: 'chatOpenAI', x: 0 }, { id: 'chatOpenAI_1', name: 'chatOpenAI', x: 0, y: 650 }]));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const badge = page.getByRole('button', { name: /nodes? needs? attention/ });
    await expect.poll(() => badge.textContent()).toMatch(/^[3-9] nodes need attention$/);
    const before = Number((await badge.textContent())!.split(' ')[0]);
    await flowNode(page, 'conversationChain_0').getByRole('button', { name: /^Delete / }).click();
    await expect.poll(() => badge.textContent()).toBe(`${before - 1} nodes need attention`);

    await page.getByRole('button', { name: 'Close the list' }).click();
    await page.locator('.react-flow__controls-fitview').click();
    const model = 'llmChain_0-input-model-BaseLanguageModel';
    await dragHandle(page, handle(page, 'chatOpenAI_0-output-chatOpenAI-ChatOpenAI|BaseChatModel|BaseLanguageModel|Runnable'), handle(page, model));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await dragHandle(page, handle(page, 'chatOpenAI_1-output-chatOpenAI-ChatOpenAI|BaseChatModel|BaseLanguageModel|Runnable'), handle(page, model));
    await page.getByRole('alert').filter({ hasText: 'Not connected: Language Model takes one connection' }).waitFor();
    expect(await page.locator('.react-flow__edge').count()).toBe(1);
  });

  it('fits a single node at no more than 100 %, and Ctrl+A selects the nodes, not the page', async () => {
    await openFlow('one node', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    await page.locator('.react-flow__controls-fitview').click();
    await expect.poll(() => zoomOf(page)).toBeLessThanOrEqual(1);
    await canvasShortcut(page, 'Control+a');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
    expect(await page.evaluate('String(window.getSelection())')).toBe('');
    // Required params are marked like required anchors.
    expect(await flowNode(page, 'chatOpenAI_0').locator('.required').count()).toBeGreaterThan(0);
  });

  it('Arrange frames the arranged flow again', async () => {
    await openFlow('arrange', flowOf([{ id: 'llmChain_0', name: 'llmChain' }, { id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    // Pan the flow out of sight.
    for (let i = 0; i < 3; i++) {
      await page.mouse.move(pane.x + pane.width - 20, pane.y + pane.height - 20);
      await page.mouse.down();
      await page.mouse.move(pane.x + 20, pane.y + 20, { steps: 5 });
      await page.mouse.up();
    }
    // Off-screen nodes are not rendered at all (onlyRenderVisibleElements).
    const inView = async (id: string) => {
      if ((await flowNode(page, id).count()) === 0) return false;
      const box = await flowNode(page, id).boundingBox();
      return box !== null && box.x + box.width > pane.x && box.x < pane.x + pane.width && box.y + box.height > pane.y && box.y < pane.y + pane.height;
    };
    expect(await inView('llmChain_0')).toBe(false);
    await page.getByRole('button', { name: 'Arrange' }).click();
    await expect.poll(() => inView('llmChain_0')).toBe(true);
    expect(await inView('chatOpenAI_0')).toBe(true);
    expect(await zoomOf(page)).toBeLessThanOrEqual(1);
  });

  it('pastes copies beside the original, each paste further on', async () => {
    await openFlow('paste', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }]));
    await flowNode(page, 'chatOpenAI_0').locator('header').click();
    await canvasShortcut(page, 'Control+a');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await flowNode(page, 'chatOpenAI_1').waitFor();
    await page.keyboard.press('Control+v');
    await flowNode(page, 'chatOpenAI_2').waitFor();
    const spots = new Set([await positionOf(page, 'chatOpenAI_0'), await positionOf(page, 'chatOpenAI_1'), await positionOf(page, 'chatOpenAI_2')]);
    expect(spots.size).toBe(3);

    // Into another chatflow whose nodes sit far from the copied ones: the paste lands in view.
    await openFlow('paste target', flowOf([{ id: 'llmChain_0', name: 'llmChain', x: 6000, y: 4000 }]));
    await canvasShortcut(page, 'Control+v');
    await flowNode(page, 'chatOpenAI_0').waitFor();
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const pasted = (await flowNode(page, 'chatOpenAI_0').boundingBox())!;
    expect(pasted.x + pasted.width / 2).toBeGreaterThan(pane.x);
    expect(pasted.x + pasted.width / 2).toBeLessThan(pane.x + pane.width);
    expect(pasted.y + pasted.height / 2).toBeGreaterThan(pane.y);
    expect(pasted.y).toBeLessThan(pane.y + pane.height);
  });

  it('guards Back in the browser history as well as the ← button', async () => {
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    const id = (await admin.post('/api/v1/chatflows', { name: 'history', flowData: flowOf([{ id: 'llmChain_0', name: 'llmChain' }]) })).body.id as string;
    await page.evaluate(`history.pushState(null, '', '/canvas/${id}'); dispatchEvent(new PopStateEvent('popstate'))`);
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('unsaved');
    const asked: string[] = [];
    const dismiss = (dialog: import('playwright-core').Dialog) => (asked.push(dialog.message()), void dialog.dismiss());
    page.on('dialog', dismiss);
    await page.goBack();
    await expect.poll(() => asked.length).toBe(1);
    page.off('dialog', dismiss);
    expect(page.url()).toContain(`/canvas/${id}`);
    expect(await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).inputValue()).toBe('unsaved');
  });

  it("keeps one draft per tab: saving in one tab leaves another tab's draft", async () => {
    const id = await openFlow('two tabs', flowOf([{ id: 'llmChain_0', name: 'llmChain' }]));
    const other = await browser.context.newPage();
    try {
      await other.goto(`${server.url}/canvas/${id}`);
      await flowNode(other, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('from tab two');
      // Polled with evaluate: the app's Content-Security-Policy (harden-server) forbids waitForFunction's eval.
      const draftWith = (text: string) => `Object.keys(localStorage).some((k) => k.startsWith('aimicromind:draft:${id}:') && localStorage.getItem(k).includes('${text}'))`;
      await expect.poll(() => other.evaluate(draftWith('from tab two'))).toBe(true);
      await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('from tab one');
      await expect.poll(() => page.evaluate(draftWith('from tab one'))).toBe(true);
      await page.keyboard.press('Control+s');
      await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
      expect(await page.evaluate(draftWith('from tab one'))).toBe(false);
      expect(await page.evaluate(draftWith('from tab two'))).toBe(true);
      // Tab two, reloaded, is offered its own draft.
      other.on('dialog', (d) => void d.accept());
      await other.reload();
      await other.getByRole('dialog', { name: 'Restore unsaved changes?' }).getByRole('button', { name: /Restore/ }).click();
      await expect.poll(() => flowNode(other, 'llmChain_0').getByLabel('Chain Name', { exact: true }).inputValue()).toBe('from tab two');
    } finally {
      await other.close();
    }
  });

  it('import: refuses duplicate node ids, says where JSON breaks, and starts empty each time', async () => {
    await page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('aimicromind:draft:')).forEach((k) => localStorage.removeItem(k))`);
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('button', { name: 'Import' }).click();
    let dialog = page.getByRole('dialog', { name: 'Import a Flowise chatflow' });
    await dialog.getByLabel('Or paste the JSON').fill('{"nodes": [,], "edges": []}');
    await dialog.getByLabel('Name', { exact: true }).fill('broken');
    await dialog.getByRole('button', { name: 'Import chatflow' }).click();
    await dialog.getByText(/line 1.*column|position \d+/i).first().waitFor();
    const twin = flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }, { id: 'chatOpenAI_0', name: 'chatOpenAI' }]);
    await dialog.getByLabel('Or paste the JSON').fill(twin);
    await dialog.getByRole('button', { name: 'Import chatflow' }).click();
    await dialog.getByText('Two nodes have the id "chatOpenAI_0"').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Import' }).click();
    dialog = page.getByRole('dialog', { name: 'Import a Flowise chatflow' });
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('');
    expect(await dialog.getByLabel('Or paste the JSON').inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('offers "Save as a new chatflow" when the chatflow was deleted elsewhere', async () => {
    const id = await openFlow('doomed', flowOf([{ id: 'llmChain_0', name: 'llmChain' }]));
    expect((await admin.delete(`/api/v1/chatflows/${id}`)).status).toBe(200);
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('kept');
    await page.keyboard.press('Control+s');
    await page.getByRole('dialog', { name: 'This chatflow was deleted' }).getByRole('button', { name: 'Save as a new chatflow' }).click();
    await page.waitForURL((url) => /\/canvas\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(id));
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
    const newId = page.url().split('/').pop()!;
    expect(JSON.parse((await admin.get(`/api/v1/chatflows/${newId}`)).body.flowData).nodes[0].data.inputs.chainName).toBe('kept');
  });

  it('says the server is not reachable when a save gets no answer, keeping the draft', async () => {
    const id = await openFlow('offline', flowOf([{ id: 'llmChain_0', name: 'llmChain' }]));
    await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).fill('offline edit');
    // The network fails as it does when the server is down: no answer at all.
    await page.route(`**/api/v1/chatflows/${id}`, (route) => (route.request().method() === 'PUT' ? route.abort('connectionrefused') : route.continue()));
    try {
      await page.keyboard.press('Control+s');
      await page.getByRole('alert').filter({ hasText: 'The server is not reachable; your changes are kept in this browser' }).waitFor();
      expect(await page.evaluate(`Object.keys(localStorage).some((k) => k.startsWith('aimicromind:draft:${id}:') && localStorage.getItem(k).includes('offline edit'))`)).toBe(true);
    } finally {
      await page.unroute(`**/api/v1/chatflows/${id}`);
    }
    page.once('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/chatflows`);
  });

  it('lists chatflows newest first, gives each page its title, and shows credential types by label', async () => {
    await admin.post('/api/v1/chatflows', { name: 'aaa oldest', flowData: flowOf([]) });
    await admin.post('/api/v1/chatflows', { name: 'zzz newest', flowData: flowOf([]) });
    await page.goto(`${server.url}/chatflows`);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    await expect.poll(() => page.title()).toMatch(/^Chatflows/);
    const names = page.locator('tbody tr td:first-child');
    await expect.poll(async () => (await names.allTextContents())[0]).toContain('zzz newest');

    await admin.post('/api/v1/credentials', { name: 'label check', credentialName: 'openAIApi', plainDataObj: { openAIApiKey: 'sk' } });
    await page.goto(`${server.url}/credentials`);
    const row = page.getByRole('row').filter({ hasText: 'label check' });
    await expect.poll(() => row.textContent()).toContain('OpenAI API');
    expect(await row.textContent()).not.toContain('openAIApi');
    await expect.poll(() => page.title()).toMatch(/^Credentials/);
  });

  it('looks right: one-row toolbar at 900 px, open panels show as pressed, sticky notes grow clear of their ×, a favicon', async () => {
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    const id = (await admin.post('/api/v1/chatflows', { name: 'narrow', flowData: flowOf([{ id: 'llmChain_0', name: 'llmChain' }]) })).body.id as string;
    // 1541 px: the narrowest window with every button inline; 1421 px: only the theme, upsert history and
    // messages under More; 900 px: more of them folded.
    for (const width of [1541, 1421, 900]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${server.url}/canvas/${id}`);
      await flowNode(page, 'llmChain_0').waitFor();
      const bar = (await page.locator('.canvas-bar').boundingBox())!;
      const save = (await page.getByRole('button', { name: 'Save', exact: true }).boundingBox())!;
      expect(bar.height).toBeLessThan(2 * save.height + 16);
      expect(save.x + save.width).toBeLessThanOrEqual(width);
    }
    try {
      expect((await page.locator('.react-flow__minimap').boundingBox())!.width).toBeLessThanOrEqual(140);

      const chat = page.getByRole('button', { name: 'Chat', exact: true });
      const closedBackground = await chat.evaluate(backgroundOf);
      await chat.click();
      await expect.poll(() => chat.getAttribute('aria-expanded')).toBe('true');
      expect(await chat.evaluate(backgroundOf)).not.toBe(closedBackground);
      await page.getByRole('button', { name: 'Close chat' }).click();

      await page.getByRole('button', { name: 'Add node' }).click();
      await page.getByLabel('Search nodes').fill('sticky note');
      await page.getByLabel('Search nodes').press('Enter');
      const note = flowNode(page, 'stickyNote_0').getByRole('textbox', { name: 'Sticky note' });
      const before = (await note.boundingBox())!.height;
      await note.fill(Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n'));
      await expect.poll(async () => (await note.boundingBox())!.height).toBeGreaterThan(before);
      const text = (await note.boundingBox())!;
      const close = (await flowNode(page, 'stickyNote_0').getByRole('button', { name: 'Delete sticky note' }).boundingBox())!;
      expect(close.x).toBeGreaterThanOrEqual(text.x + text.width - 1);
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });
});
