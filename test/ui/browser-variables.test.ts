import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { testEnv } from '../support/test-server.js';
import { screenshot } from './browser-helpers.js';
import { type SignedInSuite, screenshotIfFailed, startSignedIn } from './browser-suite.js';

interface StoredVariable {
  id: string;
  name: string;
  value: string | null;
  type: string;
}

/** The Variables page in a browser: add, refuse, edit and delete variables, and read them from a tool's test-run. */
describe('variables in a browser', { timeout: 120_000 }, () => {
  let suite: SignedInSuite;
  let page: Page;

  beforeAll(async () => {
    suite = await startSignedIn(testEnv({ RUNTIME_VARIABLES_ALLOW_LIST: 'TEAM_NAME', TEAM_NAME: 'owls' }));
    page = suite.page;
  });
  afterEach(async (context) => screenshotIfFailed(page, 'variables', context));
  afterAll(async () => suite?.close());

  const dialog = () => page.getByRole('dialog');
  const stored = async () => (await suite.admin.get('/api/v1/variables')).body as StoredVariable[];

  async function addVariable(name: string, type: 'static' | 'runtime', value = '') {
    await page.getByRole('button', { name: 'Add Variable' }).click();
    await dialog().getByLabel('Variable name').fill(name);
    await dialog().getByLabel('Type').selectOption(type);
    if (type === 'static') await dialog().getByLabel('Value').fill(value);
    await dialog().getByRole('button', { name: 'Add variable' }).click();
  }

  it('explains $vars and adds static and runtime variables', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Variables' }).click();
    await page.getByRole('heading', { name: 'Variables' }).waitFor();
    const help = page.getByRole('note', { name: 'How flows use variables' });
    await help.getByText('$vars.name', { exact: true }).waitFor();
    await help.getByText(/each run reads the environment variable of the same name/).waitFor();

    await addVariable('unit', 'static', 'C');
    await page.getByRole('cell', { name: 'unit', exact: true }).waitFor();
    await addVariable('TEAM_NAME', 'runtime');
    await page.getByRole('cell', { name: 'TEAM_NAME', exact: true }).waitFor();
    await screenshot(page, 'variables');
    expect((await stored()).map(({ name, value, type }) => ({ name, value, type })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'TEAM_NAME', value: null, type: 'runtime' },
      { name: 'unit', value: 'C', type: 'static' },
    ]);
  });

  it('shows the server refusing a name $vars cannot reach and a runtime variable not allowed', async () => {
    await addVariable('my-unit', 'static', 'x');
    await dialog().getByRole('alert').getByText(/name: must start with a letter or _ and hold only letters, digits and _/).waitFor();
    await dialog().getByLabel('Variable name').fill('SECRET_KEY');
    await dialog().getByLabel('Type').selectOption('runtime');
    await dialog().getByRole('button', { name: 'Add variable' }).click();
    await dialog().getByRole('alert').getByText(/RUNTIME_VARIABLES_ALLOW_LIST does not list/).waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
    expect((await stored()).map((v) => v.name).sort()).toEqual(['TEAM_NAME', 'unit']);
  });

  it('edits a variable, and a tool test-run reads both through $vars', async () => {
    await page.getByRole('button', { name: 'Edit unit' }).click();
    await dialog().getByLabel('Value').fill('F');
    await dialog().getByRole('button', { name: 'Save variable' }).click();
    await page.getByRole('cell', { name: 'F', exact: true }).waitFor();
    expect((await stored()).find((v) => v.name === 'unit')?.value).toBe('F');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tools' }).click();
    await page.getByRole('button', { name: 'Add Tool' }).click();
    await dialog().getByRole('button', { name: 'Remove property 1' }).click();
    await dialog().getByRole('textbox', { name: 'JavaScript function' }).fill('return `${$vars.unit} for ${$vars.TEAM_NAME}`');
    await dialog().getByRole('button', { name: 'Run test' }).click();
    await dialog().getByRole('region', { name: 'Test result' }).getByText('F for owls').waitFor();
    await dialog().getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog', { name: 'Discard changes' }).getByRole('button', { name: 'Discard' }).click();
  });

  it('deletes a variable', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Variables' }).click();
    await page.getByRole('button', { name: 'Delete unit' }).click();
    await page.getByRole('dialog', { name: 'Delete variable' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'unit', exact: true }).count()).toBe(0);
    await page.getByRole('cell', { name: 'TEAM_NAME', exact: true }).waitFor();
    expect((await stored()).map((v) => v.name)).toEqual(['TEAM_NAME']);
  });
});
