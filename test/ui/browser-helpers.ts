import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/**
 * Steps of the browser tests, written as a user would do them (accessible names, React Flow's node and
 * handle attributes). Every step waits for what it expects to see; none sleeps.
 */

/** Where screenshots go: docs/screenshots with `npm run screenshots`, a temp directory otherwise. */
export const SCREENSHOT_DIR = process.env.UI_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'aimicromind-screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

export const flowNode = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
export const handle = (page: Page, id: string) => page.locator(`.react-flow__handle[data-handleid="${id}"]`);

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Picks a node from the palette by search and Enter; resolves once the node is on the canvas. */
export async function addByPalette(page: Page, query: string, nodeId: string): Promise<void> {
  const search = page.getByLabel('Search nodes');
  if (!(await search.isVisible())) await page.getByRole('button', { name: 'Add node' }).click();
  await search.fill(query);
  await search.press('Enter');
  await flowNode(page, nodeId).waitFor();
}

/** Drags a palette entry onto the canvas (HTML drag and drop, as a user does). */
export async function dragFromPalette(page: Page, query: string, nodeName: string, nodeId: string): Promise<void> {
  const search = page.getByLabel('Search nodes');
  if (!(await search.isVisible())) await page.getByRole('button', { name: 'Add node' }).click();
  await search.fill(query);
  // By hand: an HTML drag in progress pauses animation frames, which locator.dragTo waits for.
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const item = (await page.locator(`.palette-item[data-node-name="${nodeName}"]`).boundingBox())!;
  await page.mouse.move(item.x + item.width / 2, item.y + item.height / 2);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width - 400, pane.y + pane.height - 300, { steps: 10 });
  await page.mouse.up();
  await flowNode(page, nodeId).waitFor();
}

/** Drags from one handle to another with the mouse, in steps, as React Flow expects a connection. */
export async function dragHandle(page: Page, from: Locator, to: Locator): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Presses a shortcut with the focus on the canvas (not in a text field). */
export async function canvasShortcut(page: Page, keys: string): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(keys);
}

/** Clicks a canvas toolbar control by role and name, opening "More" first when the window folds it there. */
export async function toolbarControl(page: Page, name: string, role: 'button' | 'combobox' = 'button'): Promise<Locator> {
  const control = page.locator('.canvas-bar').getByRole(role, { name, exact: true });
  if (!(await control.isVisible())) await page.getByRole('button', { name: 'More', exact: true }).click();
  await control.waitFor();
  return control;
}

/**
 * WCAG 2 contrast ratio (1–21) of an element's text colour against its own background colour, from the
 * computed style (both `rgb(r, g, b)` as Chromium reports them); 4.5 is the WCAG AA floor for body text.
 */
export async function textContrast(element: Locator): Promise<number> {
  const [color, background] = await element.evaluate((el) => {
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(el);
    return [style.color, style.backgroundColor];
  });
  const luminance = (css: string) => {
    const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(color), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}
