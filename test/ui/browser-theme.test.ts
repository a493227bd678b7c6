import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CANVAS_SHORTCUTS } from '../../ui/src/canvas/shortcuts.js';
import { screenshot, toolbarControl } from './browser-helpers.js';
import { type SignedInSuite, flowOf, openFlow, screenshotIfFailed, startSignedIn } from './browser-suite.js';

/** Dark mode (switch, persistence, the system's preference, the canvas), the `?` shortcut sheet, and the Queue page in main mode. */
describe('theme and shortcuts in a browser', { timeout: 120_000 }, () => {
  let suite: SignedInSuite;
  let page: Page;

  /** Computed background colours of the page and of a panel (the header bar or the canvas toolbar). */
  const colours = async (panel: string) =>
    (await page.evaluate(`[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.querySelector('${panel}')).backgroundColor, document.documentElement.dataset.theme]`)) as [string, string, string];

  beforeAll(async () => {
    suite = await startSignedIn();
    page = suite.page;
  });
  afterEach((context) => screenshotIfFailed(page, 'theme', context));
  afterAll(() => suite?.close());

  it('switches to dark and back, the choice kept across reloads; with no choice the system preference decides', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.reload();
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    const light = await colours('.topbar');
    expect(light[2]).toBe('light');

    await page.getByLabel('Theme').selectOption('dark');
    const dark = await colours('.topbar');
    expect(dark[2]).toBe('dark');
    expect(dark[0]).not.toBe(light[0]);
    expect(dark[1]).not.toBe(light[1]);

    await page.reload();
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    expect(await colours('.topbar')).toEqual(dark);
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');

    await page.getByLabel('Theme').selectOption('system');
    expect(await colours('.topbar')).toEqual(light);
    // Following the system: dark by default when it prefers dark, live and after a reload.
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => colours('.topbar'), { timeout: 10_000 }).toEqual(dark);
    await page.reload();
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    expect(await colours('.topbar')).toEqual(dark);
    expect(await page.getByLabel('Theme').inputValue()).toBe('system');
  });

  it('the canvas toolbar has the switch too, and React Flow follows the theme', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await openFlow(suite, page, 'themed', flowOf([{ id: 'chatOpenAI_0', name: 'chatOpenAI' }, { id: 'llmChain_0', name: 'llmChain' }]));
    const light = await colours('.canvas-bar');
    expect(await page.locator('.react-flow.light').count()).toBe(1);
    // At the tests' 1440 px the switch is under More.
    await (await toolbarControl(page, 'Theme', 'combobox')).selectOption('dark');
    await page.getByRole('button', { name: 'More', exact: true }).click();
    const dark = await colours('.canvas-bar');
    expect(dark[1]).not.toBe(light[1]);
    expect(await page.locator('.react-flow.dark').count()).toBe(1);
    await screenshot(page, 'dark');
    await (await toolbarControl(page, 'Theme', 'combobox')).selectOption('system');
  });

  it('? opens the shortcuts of the page: the canvas list on the canvas, not while typing in a field', async () => {
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await sheet.waitFor();
    const canvasRows = sheet.getByRole('table', { name: 'Canvas' }).locator('tbody tr');
    expect(await canvasRows.count()).toBe(CANVAS_SHORTCUTS.length);
    expect(await canvasRows.allTextContents()).toEqual(CANVAS_SHORTCUTS.map((s) => `${s.keys.join(' + ')}${s.description}`));
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });

    await page.goto(`${suite.server.url}/chatflows`);
    await page.getByRole('heading', { name: 'Chatflows' }).waitFor();
    const search = page.getByLabel('Search chatflows');
    await search.press('?');
    expect(await search.inputValue()).toBe('?');
    expect(await sheet.isVisible()).toBe(false);
    await search.fill('');
    await page.getByRole('heading', { name: 'Chatflows' }).click();
    await page.keyboard.press('?');
    await sheet.getByRole('table', { name: 'Everywhere' }).waitFor();
    expect(await sheet.getByRole('table', { name: 'Canvas' }).count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('the Queue page says queue mode is off in main mode, and the nav has no Queue entry', async () => {
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).count()).toBe(0);
    await page.goto(`${suite.server.url}/queue`);
    await page.getByText(/Queue mode is off/).waitFor();
  });
});
