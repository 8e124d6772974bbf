// Drives the built playground in headless Chromium (playwright-core over Debian's chromium): build into a
// temporary folder, serve it statically, open pages, type, and wait for the worker's answer to each edit.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPlayground } from '../../playground/build.js';
import { serveStatic } from '../../playground/serve.js';

export const CHROMIUM = '/usr/bin/chromium';

export function playgroundSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (Debian's chromium package)`;
}

export interface Playground {
  url: string;
  dist: string;
  browser: Browser;
  open(hash?: string): Promise<Page>;
  close(): Promise<void>;
}

export async function startPlayground(): Promise<Playground> {
  const dist = mkdtempSync(join(tmpdir(), 'patchc-playground-'));
  await buildPlayground(dist);
  const { server, url } = await serveStatic(dist);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const open = async (hash = ''): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(hash ? `${url}#${hash}` : url);
    await settle(page);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return page;
  };
  return {
    url,
    dist,
    browser,
    open,
    close: async () => {
      await browser.close();
      await new Promise<void>((ok) => (server as Server).close(() => ok()));
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Waits until the page has drawn the worker's result for the editor's current text; returns that version. */
export async function settle(page: Page, timeout = 30_000): Promise<number> {
  await page.waitForFunction(
    () => {
      const b = document.body.dataset;
      if (b.failure) throw new Error(`playground failure: ${b.failure}`);
      return b.version !== undefined && b.version === b.docVersion;
    },
    undefined,
    { timeout, polling: 'raf' },
  );
  return Number(await page.evaluate(() => document.body.dataset.version));
}

/** Replaces the whole text as a paste would, leaving the cursor at its end. */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** The table row of a rule: its bytes (hex, spaced) and disassembly as shown. */
export async function ruleRow(page: Page, selector: string): Promise<{ hex: string; disasm: string } | undefined> {
  return page.evaluate((sel) => {
    for (const tr of document.querySelectorAll('#table tbody tr')) {
      if (tr.querySelector('td.rule')?.textContent !== sel) continue;
      return { hex: tr.querySelector('.hex')?.textContent ?? '', disasm: tr.querySelector('td.disasm')?.textContent ?? '' };
    }
    return undefined;
  }, selector);
}

export async function editorText(page: Page): Promise<string> {
  // Only for small files: CodeMirror renders the lines in view.
  return page.evaluate(() => [...document.querySelectorAll('.cm-content .cm-line')].map((l) => l.textContent ?? '').join('\n'));
}
