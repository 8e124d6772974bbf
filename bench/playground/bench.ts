// Figures for the playground: what a visitor downloads (the built folder, raw and gzip'd), the time from
// opening the page to the first table, and from a keystroke to fresh diagnostics and table on the largest
// shipped rule file, measured inside headless Chromium. Run: npm run bench:playground [-- --runs N]
// [--screenshot docs/playground.png]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { pasteText, playgroundSkipReason, settle, startPlayground } from '../../test/playground/driver.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option('--runs') ?? 20);
const screenshot = option('--screenshot');
const root = new URL('../../', import.meta.url).pathname;

const skip = playgroundSkipReason();
if (skip) {
  console.log(`skipped: ${skip}`);
  process.exit(0);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;
const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`);

const pg = await startPlayground();
try {
  let raw = 0;
  let gz = 0;
  const rows: string[] = [];
  for (const f of readdirSync(pg.dist).sort()) {
    const bytes = readFileSync(join(pg.dist, f));
    const z = gzipSync(bytes).length;
    raw += bytes.length;
    gz += z;
    rows.push(`  ${f.padEnd(28)} ${String(bytes.length).padStart(9)} B   gzip ${String(z).padStart(8)} B`);
  }
  console.log(`download (playground/dist, minified): ${raw} B (${kib(raw)}), gzip'd ${gz} B (${kib(gz)})`);
  console.log(rows.join('\n'));

  const loads: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const page = await pg.open();
    loads.push(performance.now() - t0);
    await page.close();
  }
  console.log(`page open → first table (seed rules; wasm fetched and compiled in the worker): median ${median(loads).toFixed(0)} ms of 3`);

  // The largest rule file the picker offers, by bytes (its virtual paths are the repository's).
  const page = await pg.open();
  const offered = await page.$$eval('#example option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  const [largest] = offered.map((path) => ({ path, size: statSync(join(root, path)).size })).sort((a, b) => b.size - a.size);
  await page.selectOption('#example', largest!.path);
  await settle(page);
  await installMarks(page);
  const keyToTable: number[] = [];
  const workerMs: number[] = [];
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  for (let i = 0; i < runs; i++) {
    await page.evaluate(() => ((window as unknown as Marks).__key = undefined));
    // Alternately add and remove a character at the end of the first line (a comment): a full compile each time.
    await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
    const v = await settle(page);
    const m = await page.evaluate(() => {
      const w = window as unknown as Marks;
      return { key: w.__key, drawn: w.__drawn, ms: Number(document.body.dataset.compileMs) };
    });
    if (m.key === undefined || m.drawn?.version !== v) throw new Error(`marks missing for version ${v}`);
    keyToTable.push(m.drawn.t - m.key);
    workerMs.push(m.ms);
  }
  const lines = readFileSync(join(root, largest!.path), 'utf8').split('\n').length;
  console.log(`keystroke → fresh diagnostics and table, ${largest!.path.slice(1)} (${largest!.size} B, ${lines} lines, with its import), ${runs} keystrokes:`);
  console.log(`  median ${median(keyToTable).toFixed(0)} ms, p90 ${quantile(keyToTable, 0.9).toFixed(0)} ms (150 ms of it is the typing debounce)`);
  console.log(`  worker (load, check, assemble, verify): median ${median(workerMs).toFixed(0)} ms, p90 ${quantile(workerMs, 0.9).toFixed(0)} ms`);
  await page.close();

  if (screenshot) await takeScreenshot(await pg.open(), join(root, screenshot));
} finally {
  await pg.close();
}

interface Marks {
  __key?: number;
  __drawn?: { version: number; t: number };
}

/** In the page: when the key went down, and when each version was drawn (body's data-version set). */
async function installMarks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as Marks;
    document.querySelector('.cm-content')!.addEventListener('keydown', () => (w.__key = performance.now()), { capture: true });
    new MutationObserver(() => (w.__drawn = { version: Number(document.body.dataset.version), t: performance.now() })).observe(document.body, {
      attributes: true,
      attributeFilter: ['data-version'],
    });
  });
}

/** The README's picture: the demo's rules, one mnemonic mistyped (underlined, its message open), and the table. */
async function takeScreenshot(page: Page, path: string): Promise<void> {
  await page.selectOption('#example', '/examples/paravirt/paravirt-demo.rules');
  await settle(page);
  const demo = readFileSync(join(root, 'examples/paravirt/paravirt-demo.rules'), 'utf8');
  const typo = demo.replace('restore_fl -> push %rdi; popf ', 'restore_fl -> push %rdi; popfx');
  if (typo === demo) throw new Error('the demo no longer has the line the screenshot mistypes');
  // Pasted, the cursor is at the end and the x86_64 and i386 blocks are in view.
  await pasteText(page, typo);
  await settle(page);
  await page.locator('.cm-lintRange-error').first().hover();
  await page.waitForSelector('.cm-tooltip-lint');
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
}
