import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { launchBrowser } from '../../test/support/browser.js';
import { packageRoot } from '../../src/shared/package-info.js';
import { TEST_ADMIN_KEY, startServer, testEnv } from '../../test/support/test-server.js';
import { bigFlow } from './big-flow.js';

/**
 * `npm run bench:ui`: how fast the web UI opens, measured in Debian's Chromium against a real server
 * (built JavaScript, as users get it), and how much JavaScript the chatflows page loads. Writes
 * bench/results/ui-<date>.md and .json.
 *
 * - open: navigation to /canvas/<id> of a 200-node flow until the canvas shows its nodes, and then until
 *   a click on "Add node" has opened the palette (the page answers input: interactive). Median of runs.
 * - initial JS: the scripts index.html loads for the chatflows page (entry and preloaded chunks), raw and
 *   gzip; the canvas chunk is loaded only when a canvas opens.
 */
const RUNS = 7;
const NODES = 200;
const PROJECT_ROOT = packageRoot();
const UI_DIR = path.join(PROJECT_ROOT, 'dist/ui');

async function taskSeconds(cdp: { send(method: 'Performance.getMetrics'): Promise<{ metrics: Array<{ name: string; value: number }> }> }): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gzipSize = (file: string) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;

function initialScripts(): Array<{ file: string; bytes: number; gzip: number }> {
  const html = fs.readFileSync(path.join(UI_DIR, 'index.html'), 'utf8');
  const urls = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]!);
  return urls.map((url) => {
    const file = path.join(UI_DIR, url);
    return { file: url, bytes: fs.statSync(file).size, gzip: gzipSize(file) };
  });
}

async function main(): Promise<void> {
  const server = await startServer(testEnv());
  const browser = await launchBrowser();
  try {
    const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/v1/chatflows`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'big', flowData: JSON.stringify(bigFlow(NODES)) }) });
    const { id } = (await created.json()) as { id: string };
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: TEST_ADMIN_KEY }) });
    const [name, value] = login.headers.getSetCookie()[0]!.split(';')[0]!.split('=') as [string, string];
    await browser.context.addCookies([{ name, value, url: server.url }]);

    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Main-thread busy time (Chromium's TaskDuration) depends little on other load; wall-clock times do.
    const cdp = await browser.context.newCDPSession(page);
    const busy: number[] = [];
    const shown: number[] = [];
    const interactive: number[] = [];
    let rendered = 0;
    for (let run = 0; run < RUNS; run += 1) {
      await page.goto('about:blank');
      await cdp.send('Performance.enable');
      const before = await taskSeconds(cdp);
      const start = Date.now();
      await page.goto(`${server.url}/canvas/${id}`);
      await page.locator('.react-flow__node').first().waitFor();
      await page.getByRole('status').filter({ hasText: /^Saved$/ }).waitFor();
      shown.push(Date.now() - start);
      await page.getByRole('button', { name: 'Add node' }).click();
      await page.getByLabel('Search nodes').waitFor();
      interactive.push(Date.now() - start);
      busy.push(Math.round(((await taskSeconds(cdp)) - before) * 1000));
      rendered = await page.locator('.react-flow__node').count();
    }
    const scripts = initialScripts();
    const initial = new Set(scripts.map((s) => s.file));
    const canvasFiles = fs.readdirSync(path.join(UI_DIR, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`/assets/${f}`));
    const canvasChunk = canvasFiles.map((f) => ({ file: `/assets/${f}`, bytes: fs.statSync(path.join(UI_DIR, 'assets', f)).size, gzip: gzipSize(path.join(UI_DIR, 'assets', f)) }));
    const results = {
      date: new Date().toISOString(),
      // Other work on the machine inflates wall-clock figures: keep the load next to them.
      loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
      cpus: os.cpus().length,
      nodes: NODES,
      runs: RUNS,
      renderedNodes: rendered,
      canvasShownMs: { median: median(shown), all: shown },
      canvasInteractiveMs: { median: median(interactive), all: interactive },
      mainThreadBusyMs: { median: median(busy), all: busy },
      initialJs: { bytes: scripts.reduce((a, s) => a + s.bytes, 0), gzip: scripts.reduce((a, s) => a + s.gzip, 0), files: scripts },
      canvasChunk,
    };
    const stamp = results.date.slice(0, 16).replace(/[T:]/g, '-');
    const dir = path.join(PROJECT_ROOT, 'bench/results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `ui-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const md = [
      `# UI benchmark ${results.date}`,
      '',
      `${results.cpus} CPUs, load average ${results.loadAverage.join(' / ')} (1/5/15 min) while measuring.`,
      '',
      '| measure | result |',
      '|---|---|',
      `| ${NODES}-node flow: navigation → nodes shown (median of ${RUNS}) | ${results.canvasShownMs.median} ms (${shown.join(', ')}) |`,
      `| ${NODES}-node flow: navigation → palette open after a click (interactive) | ${results.canvasInteractiveMs.median} ms (${interactive.join(', ')}) |`,
      `| main-thread busy time over that span (Chromium TaskDuration) | ${results.mainThreadBusyMs.median} ms (${busy.join(', ')}) |`,
      `| node elements in the DOM after fit view | ${rendered} |`,
      `| initial JS of the chatflows page | ${kb(results.initialJs.bytes)} raw, ${kb(results.initialJs.gzip)} gzip (${scripts.map((s) => s.file).join(', ')}) |`,
      ...canvasChunk.map((c) => `| on-demand chunk ${c.file.replace(/^\/assets\//, '').replace(/-[\w-]+\.js$/, '')} (loaded when that part opens) | ${kb(c.bytes)} raw, ${kb(c.gzip)} gzip |`),
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, `ui-${stamp}.md`), md);
    console.log(md);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
