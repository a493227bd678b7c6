import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type FlowJson, llmChainFlow } from '../fixtures/chatflows.js';
import type { ApiClient } from '../support/api-client.js';
import type { RunningServer } from '../support/test-server.js';
import { TEST_BASIC_USER } from '../support/test-server.js';
import { flowNode, screenshot } from './browser-helpers.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

const base = (template = 'Answer this: {question}'): FlowJson => llmChainFlow({ model: 'fake', basepath: 'http://127.0.0.1:9', template });
const text = (flow: FlowJson) => JSON.stringify(flow);

/** A flow with another prompt, the sticky note replaced by a new one: a diff with nodes added, removed and changed. */
function edited(): FlowJson {
  const flow = base('Summarise: {question}');
  const nodes = flow.nodes.filter((n) => n.id !== 'stickyNote_0');
  const note = flow.nodes.find((n) => n.id === 'stickyNote_0')!;
  nodes.push({ ...note, id: 'stickyNote_1', data: { ...(note.data as Record<string, unknown>), id: 'stickyNote_1', inputs: { note: 'new note' } } });
  return { ...flow, nodes };
}

/** Issue 8 item 1 in a browser: the canvas's version list, read-only view, comparison and restore. */
describe('chatflow versions in a browser', { timeout: 120_000 }, () => {
  let suite: SignedInSuite;
  let server: RunningServer;
  let page: Page;
  let admin: ApiClient;

  beforeAll(async () => {
    suite = await startSignedIn();
    ({ server, page, admin } = suite);
  });
  afterAll(async () => suite?.close());
  afterEach(async (context) => screenshotIfFailed(page, 'versions', context));

  /** Creates a chatflow and saves `saves` over it through the API; opens it on the canvas. */
  async function flowWithVersions(saves: Array<{ flow: FlowJson; message?: string }>): Promise<string> {
    const { id } = (await admin.post('/api/v1/chatflows', { name: 'versioned', flowData: text(base()) })).body as { id: string };
    for (const save of saves) {
      const saved = await admin.put(`/api/v1/chatflows/${id}`, { flowData: text(save.flow), ...(save.message ? { versionMessage: save.message } : {}) });
      expect(saved.status).toBe(200);
    }
    await page.goto(`${server.url}/canvas/${id}`);
    await page.locator('.react-flow__node').first().waitFor();
    return id;
  }

  const openVersions = async () => {
    await page.getByRole('button', { name: 'Versions', exact: true }).click();
    return page.getByRole('table', { name: 'Saved versions' });
  };
  const versionRow = (n: number) => page.getByRole('row', { name: `Version ${n}`, exact: true });
  const chainName = (p: Page | ReturnType<Page['locator']>) => flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).or(p.locator('never')).first();

  it('lists each save with who, when and the message; a save can carry a message', async () => {
    await flowWithVersions([]);
    const saved = page.getByRole('status').filter({ hasText: /^Saved$/ });
    await chainName(page).fill('first rename');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved.waitFor();
    await chainName(page).fill('second rename');
    await page.getByRole('button', { name: 'Save with a message' }).click();
    await page.getByLabel('Version message (optional)').fill('renamed the chain again');
    await page.getByRole('button', { name: 'Save version' }).click();
    await saved.waitFor();

    const table = await openVersions();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => versionRow(3).innerText()).toContain('current');
    expect(await versionRow(3).innerText()).toContain('renamed the chain again');
    expect(await versionRow(3).innerText()).toContain(TEST_BASIC_USER);
    expect(await versionRow(2).innerText()).toContain(TEST_BASIC_USER);
    expect(await versionRow(2).innerText()).not.toContain('current');
    // The first was made through the API with the admin key.
    expect(await versionRow(1).innerText()).toContain('admin key');
    expect(await versionRow(1).locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('opens a version read-only and goes back to the editable flow', async () => {
    await flowWithVersions([{ flow: base('Version two: {question}'), message: 'second prompt' }]);
    await openVersions();
    await versionRow(1).getByRole('button', { name: 'View' }).click();
    const banner = page.getByRole('status').filter({ hasText: 'Viewing version 1 — read-only' });
    await banner.waitFor();
    const template = flowNode(page, 'promptTemplate_0').getByRole('textbox', { name: 'Template' });
    await expect.poll(() => template.inputValue()).toBe('Answer this: {question}');
    expect(await template.isDisabled()).toBe(true);
    expect(await flowNode(page, 'llmChain_0').getByLabel('Chain Name', { exact: true }).isDisabled()).toBe(true);
    expect(await flowNode(page, 'llmChain_0').getByRole('button', { name: 'Delete LLM Chain' }).isDisabled()).toBe(true);
    await screenshot(page, 'versions');

    await banner.getByRole('button', { name: 'Back to current flow' }).click();
    await banner.waitFor({ state: 'detached' });
    await expect.poll(() => template.inputValue()).toBe('Version two: {question}');
    expect(await template.isDisabled()).toBe(false);
    // Adding a node means editing: the palette opens on the editor, not on the version.
    await versionRow(1).getByRole('button', { name: 'View' }).click();
    await banner.waitFor();
    await page.getByRole('button', { name: 'Add node' }).click();
    await banner.waitFor({ state: 'detached' });
    await expect.poll(() => template.inputValue()).toBe('Version two: {question}');
  });

  it('compares a version with the last saved flow: nodes added, removed, and params old → new', async () => {
    await flowWithVersions([{ flow: edited() }]);
    // An unsaved edit on the canvas is not part of the comparison, and the dialog says so.
    await chainName(page).fill('UNSAVED chain name');
    await page.getByText('Unsaved changes').first().waitFor();
    await openVersions();
    await versionRow(1).getByRole('button', { name: 'Compare' }).click();
    const dialog = page.getByRole('dialog', { name: 'Version 1 compared with the last saved flow' });
    await dialog.waitFor();
    await dialog.getByRole('note').getByText('Your unsaved changes on the canvas are not included').waitFor();
    expect(await dialog.innerText()).not.toContain('UNSAVED chain name');
    expect(await dialog.getByRole('region', { name: 'Nodes added' }).innerText()).toContain('Sticky Note (stickyNote_1)');
    expect(await dialog.getByRole('region', { name: 'Nodes removed' }).innerText()).toContain('Sticky Note (stickyNote_0)');
    const changes = dialog.getByRole('table', { name: 'Changes of Prompt Template' });
    const rows = await changes.locator('tbody tr').allInnerTexts();
    expect(rows).toEqual([expect.stringMatching(/^template\s+changed\s+Answer this: \{question\}\s+Summarise: \{question\}$/)]);
    // Only the prompt changed among the nodes both have.
    expect(await dialog.getByRole('region', { name: 'Nodes changed' }).getByRole('table').count()).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Saved, the edit is nothing to leave behind (the next test opens another chatflow).
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  });

  it('restores last week’s version: a new save, the canvas and the server hold the old flow', async () => {
    const id = await flowWithVersions([
      { flow: base('Second try: {question}'), message: 'second try' },
      { flow: base('Third try: {question}'), message: 'third try' },
    ]);
    await openVersions();
    await versionRow(1).getByRole('button', { name: 'Restore' }).click();
    const confirm = page.getByRole('dialog', { name: 'Restore version 1?' });
    await confirm.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => versionRow(4).innerText()).toContain('Restored version 1');
    expect(await versionRow(4).innerText()).toContain('current');

    const template = flowNode(page, 'promptTemplate_0').getByRole('textbox', { name: 'Template' });
    await expect.poll(() => template.inputValue()).toBe('Answer this: {question}');
    expect(await template.isDisabled()).toBe(false);
    const stored = (await admin.get(`/api/v1/chatflows/${id}`)).body as { flowData: string };
    expect(stored.flowData).toBe(text(base()));
    // The canvas holds the restored flow as saved: a plain save now changes nothing.
    await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
  });
});
