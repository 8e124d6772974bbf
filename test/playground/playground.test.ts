// The playground in a real browser: the page, its worker (src/ bundled for the browser, iced-x86's wasm
// compiled there), typing, diagnostics underlined, the architecture switch, the share link. Expected bytes
// come from GNU as at test time.
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTables } from '../../src/pipeline/build.js';
import { checkFeatureNames } from '../../src/kernel/ruleFeatures.js';
import { conditionText } from '../../src/model/check.js';
import { toHex } from '../../src/table/hex.js';
import { selectorLabel } from '../../src/verify/index.js';
import { gnuAssemble } from '../asm/unit/gnuAs.js';
import { editorText, pasteText, playgroundSkipReason, ruleRow, settle, startPlayground, type Playground } from './driver.js';

const skip = playgroundSkipReason();
const REPO = new URL('../../', import.meta.url).pathname;

// The arch x86_64 block is last and left open: the test types its last rule and the closing brace.
const BASE = `ruleset playground.test
syntax intel

op ident64(u64) -> u64 : identity(arg0)
op read_cr2() -> ulong : opaque
op tls_word() -> ulong : opaque

arch i386 {
  ident64  -> mov ret, arg0
  read_cr2 -> mov eax, cr2
  tls_word -> mov eax, dword ptr fs:[0x14]
}

arch x86_64 {
  ident64  -> mov ret, arg0
  read_cr2 -> mov rax, cr2
`;
const TYPED_64 = 'tls_word -> mov rax, qword ptr gs:[0x28]';

const gnu = (line: string, bitness: 32 | 64): string => {
  const [r] = gnuAssemble([line], { bitness, syntax: 'intel' });
  if (!r?.bytes) throw new Error(`GNU as refused ${line}: ${r?.error}`);
  return r.bytes;
};
const textOf = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';
const unspaced = (hex: string | undefined): string | undefined => hex?.replace(/\s+/g, '');

describe.skipIf(skip !== undefined)(`playground in headless Chromium${skip ? ` — SKIPPED: ${skip}` : ''}`, () => {
  let pg: Playground;
  beforeAll(async () => {
    pg = await startPlayground();
  }, 60_000);
  afterAll(async () => {
    await pg?.close();
  });

  it('loads the seed rules, compiles them in the worker and shows the x86_64 table', async () => {
    const page = await pg.open();
    expect(await textOf(page, '.table-caption')).toContain('paravirt.native · x86_64');
    expect(unspaced((await ruleRow(page, 'ident64'))?.hex)).toBe(gnu('mov rax, rdi', 64));
    expect(await textOf(page, '#diagnostics .diag-title')).toBe('no diagnostics');
    await page.close();
  });

  it('typed rules show GNU as bytes; an error is underlined with its message; the arch switch changes the table; the share link restores the file', async () => {
    const page = await pg.open();
    await pasteText(page, BASE);
    await page.keyboard.type(`  ${TYPED_64}`);
    await page.keyboard.press('Enter');
    await page.keyboard.type('}');
    await settle(page);
    // The rule set's first block (i386) is compiled until another is chosen.
    expect(await textOf(page, '.table-caption')).toContain('· i386 (32-bit)');
    await page.selectOption('#arch', 'x86_64');
    await settle(page);
    expect(await textOf(page, '.table-caption')).toContain('· x86_64 (64-bit)');
    expect(await textOf(page, '#diagnostics .diag-title')).toBe('no diagnostics');
    expect(unspaced((await ruleRow(page, 'tls_word'))?.hex)).toBe(gnu('mov rax, qword ptr gs:[0x28]', 64));
    expect(unspaced((await ruleRow(page, 'read_cr2'))?.hex)).toBe(gnu('mov rax, cr2', 64));

    // An error: a mnemonic that does not exist, typed into the last rule.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    await page.keyboard.type('; frobnicate rax');
    await settle(page);
    const message = await page.locator('#diagnostics .diag-error .message').first().textContent();
    expect(message).toMatch(/frobnicate/);
    const mark = page.locator('.cm-lintRange-error');
    expect(await mark.count()).toBe(1);
    expect(await mark.textContent()).toContain('frobnicate');
    await mark.hover();
    expect(await textOf(page, '.cm-tooltip-lint')).toContain(message!);
    for (let i = 0; i < '; frobnicate rax'.length; i++) await page.keyboard.press('Backspace');
    await settle(page);
    expect(await mark.count()).toBe(0);

    // The architecture switch: the same file's i386 block.
    await page.selectOption('#arch', 'i386');
    await settle(page);
    expect(await textOf(page, '.table-caption')).toContain('· i386 (32-bit)');
    expect(unspaced((await ruleRow(page, 'tls_word'))?.hex)).toBe(gnu('mov eax, dword ptr fs:[0x14]', 32));
    expect(unspaced((await ruleRow(page, 'read_cr2'))?.hex)).toBe(gnu('mov eax, cr2', 32));
    expect((await ruleRow(page, 'ident64'))?.hex).toBe('(empty: NOPs)');

    // The share link holds the text and the architecture.
    const text = await editorText(page);
    await page.click('#share');
    await page.waitForSelector('#share-link:not([hidden])');
    const link = await page.locator('#share-link').inputValue();
    expect(link).toContain('#f=');
    const restored = await pg.open(new URL(link).hash.slice(1));
    expect(await editorText(restored)).toBe(text);
    expect(await textOf(restored, '.table-caption')).toContain('· i386 (32-bit)');
    expect(unspaced((await ruleRow(restored, 'tls_word'))?.hex)).toBe(gnu('mov eax, dword ptr fs:[0x14]', 32));
    await restored.close();
    await page.close();
  });

  it('the syntax switch rewrites the file\'s setting', async () => {
    const page = await pg.open();
    await page.selectOption('#syntax', 'att');
    await settle(page);
    expect(await editorText(page)).toMatch(/^syntax att$/m);
    // The seed's rules are Intel: read as AT&T, `mov ret, arg0` moves the other way and breaks its contract.
    expect(await page.locator('#diagnostics .diag-error').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('every example, every architecture: the same table and diagnostics as the pipeline in Node (imports from the bundled files)', async () => {
    const page = await pg.open();
    const examples = await page.$$eval('#example option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(examples).toContain('/rules/linux/linux-6.1-x86_64.rules');
    let compared = 0;
    for (const example of examples) {
      await page.selectOption('#example', example);
      await settle(page);
      const arches = await page.$$eval('#arch option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      for (const arch of arches) {
        if (arches.length > 1) await page.selectOption('#arch', arch);
        await settle(page);
        const shown = await page.evaluate(() => ({
          caption: document.querySelector('.table-caption')?.textContent ?? '',
          rows: [...document.querySelectorAll('#table tbody tr')].map((tr) => `${tr.querySelector('td.rule')?.textContent} ${tr.querySelector('.hex')?.textContent}`),
          diagnostics: [...document.querySelectorAll('#diagnostics .diag')].map((d) => `${d.querySelector('.where')?.textContent ?? ''} ${d.querySelector('.code')?.textContent} ${d.querySelector('.message')?.textContent}`),
        }));
        const node = buildTables(join(REPO, example.slice(1)), () => [arch], undefined, [checkFeatureNames]);
        const table = node.tables.find((t) => t.arch === arch);
        expect(shown.caption, example).toContain(`${node.ruleset.name} · ${arch}`);
        expect(shown.rows, `${example} ${arch}`).toEqual((table?.entries ?? []).map((e) => `${selectorLabel(e.selector)}${e.when ? ` ${conditionText(e.when)}` : ''} ${toHex(e.bytes) || '(empty: NOPs)'}`));
        expect(shown.diagnostics, `${example} ${arch}`).toEqual(node.diagnostics.map((d) => `${d.span ? `${d.span.file}:${d.span.start.line}:${d.span.start.col}` : ''} [${d.code}] ${d.message}`));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(examples.length);
    await page.close();
  });
});
