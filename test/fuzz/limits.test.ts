// Limits against resource exhaustion: each one refuses loudly, with an error that names it, located in
// the rule file (or at a file offset for binaries), in bounded time; and the input just under each limit
// is not refused for it.
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diag/diagnostic.js';
import type { ElfFile } from '../../src/binary/elf/types.js';
import type { CodeMap } from '../../src/apply/codeMap.js';
import type { OpsTableView } from '../../src/apply/opsTable.js';
import { MAX_SITES, readSiteTable } from '../../src/apply/sites.js';
import { MAX_PRINTED } from '../../src/cli/io.js';
import { LIMITS } from '../../src/model/load.js';
import type { SiteTableDef } from '../../src/model/ruleset.js';
import { MAX_LEX_ERRORS } from '../../src/syntax/lexer.js';
import { SYNTAX_LIMITS } from '../../src/syntax/parse.js';
import { cli, Scratch } from './harness.js';
import { checkRuleCase } from './rulesFuzz.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const scratch = new Scratch('patchc-fuzz-limits-');
afterAll(() => scratch.cleanup());
const enc = new TextEncoder();

/** Writes files, runs `check` on main.rules; also runs the whole fuzz property on the same input. */
async function check(files: Record<string, string | Uint8Array>, property = true) {
  const dir = scratch.caseDir();
  const bytes = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v]));
  if (property) {
    mkdirSync(join(dir, 'p'));
    const prop = await checkRuleCase({ main: 'main.rules', files: bytes, what: 'limit' }, join(dir, 'p'));
    expect(prop.failure).toBeUndefined();
  }
  for (const [k, v] of Object.entries(bytes)) {
    mkdirSync(join(dir, k, '..'), { recursive: true });
    writeFileSync(join(dir, k), v);
  }
  return cli(['check', join(dir, 'main.rules')]);
}

const OK_HEAD = 'syntax att\nop a()\n';
const located = (name: string) => new RegExp(`main\\.rules:\\d+:\\d+: error: [^\\n]*${name.replace(/\./g, '\\.')}`);

describe('rule file limits', () => {
  it(`LIMITS.maxFileBytes (${LIMITS.maxFileBytes}): a larger file is unreadable, exit 2`, async () => {
    const r = await check({ 'main.rules': `${OK_HEAD}# ${'x'.repeat(LIMITS.maxFileBytes)}\n` });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*main\.rules: file is \d+ bytes; the limit \(LIMITS\.maxFileBytes\) is 4194304/);
  });

  it(`LIMITS.maxImportDepth (${LIMITS.maxImportDepth}): a deeper chain is an error at the import`, async () => {
    const files: Record<string, string> = { 'main.rules': `${OK_HEAD}import "d/0.rules"\n` };
    const n = LIMITS.maxImportDepth + 3;
    for (let k = 0; k < n; k++) files[`d/${k}.rules`] = k + 1 < n ? `import "${k + 1}.rules"\nop o${k}()\n` : `op o${k}()\n`;
    const r = await check(files);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\.rules:1:8: error: imports nest deeper than 32 files \(LIMITS\.maxImportDepth\) \[import-depth\]/);
  });

  it(`LIMITS.maxFiles (${LIMITS.maxFiles}): more files is an error at the first import past it`, async () => {
    const n = LIMITS.maxFiles + 5;
    const files: Record<string, string> = { 'main.rules': OK_HEAD + Array.from({ length: n }, (_, k) => `import "f/${k}.rules"\n`).join('') };
    for (let k = 0; k < n; k++) files[`f/${k}.rules`] = `op o${k}()\n`;
    const r = await check(files);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(located('(LIMITS.maxFiles)'));
  });

  it(`LIMITS.maxRules (${LIMITS.maxRules}): the rule past it is an error, later ones ignored`, async () => {
    // Checked with the limit lowered (10,000 rules take ~10 s to check); the mechanism is the same.
    const saved = LIMITS.maxRules;
    LIMITS.maxRules = 50;
    try {
      const r = await check({ 'main.rules': `${OK_HEAD}arch x86_64 {\n${Array.from({ length: 60 }, (_, k) => `  target t${k} -> nop\n`).join('')}}\n` });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/main\.rules:54:3: error: more than 50 rules \(LIMITS\.maxRules\); this and later rules are ignored \[rule-count\]/);
      expect(r.err.match(/\[rule-count\]/g)).toHaveLength(1);
    } finally {
      LIMITS.maxRules = saved;
    }
  });

  it(`LIMITS.maxInstructionsPerRule (${LIMITS.maxInstructionsPerRule}): a longer replacement is an error; the limit itself is allowed`, async () => {
    const at = await check({ 'main.rules': `${OK_HEAD}arch x86_64 {\n  a -> ${'nop; '.repeat(LIMITS.maxInstructionsPerRule)}\n}\n` });
    expect(at.err).not.toMatch(/maxInstructionsPerRule/);
    const over = await check({ 'main.rules': `${OK_HEAD}arch x86_64 {\n  a -> ${'nop; '.repeat(LIMITS.maxInstructionsPerRule + 1)}\n}\n` });
    expect(over.code).toBe(1);
    expect(over.err).toMatch(/main\.rules:4:\d+: error: 257 instructions in one replacement; the limit \(LIMITS\.maxInstructionsPerRule\) is 256 \[rule-size\]/);
  });

  it('a bytes replacement longer than a site can be (255) is an error', async () => {
    const r = await check({ 'main.rules': `${OK_HEAD}arch x86_64 {\n  a -> bytes ${'90 '.repeat(300)}\n}\n` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/main\.rules:4:\d+: error: 300 bytes in one replacement; a site is at most 255 bytes \[rule-size\]/);
  });

  it(`SYNTAX_LIMITS.maxNestingDepth (${SYNTAX_LIMITS.maxNestingDepth}): deeper braces are refused before parsing (20,000 nested table lines overflowed the stack)`, async () => {
    const nest = (n: number) => `${OK_HEAD}sitetable t {\n${'x {\n'.repeat(n)}${'}\n'.repeat(n)}}\n`;
    const ok = await check({ 'main.rules': nest(SYNTAX_LIMITS.maxNestingDepth - 1) });
    expect(ok.err).not.toMatch(/maxNestingDepth/);
    const deep = await check({ 'main.rules': nest(5_000) });
    expect(deep.code).toBe(1);
    expect(deep.err).toMatch(new RegExp(`main\\.rules:${SYNTAX_LIMITS.maxNestingDepth + 3}:3: error: braces nest deeper than 64 levels \\(SYNTAX_LIMITS\\.maxNestingDepth\\)`));
  });

  it(`SYNTAX_LIMITS.maxTokens (${SYNTAX_LIMITS.maxTokens}): a file with more tokens is refused before parsing`, async () => {
    const r = await check({ 'main.rules': `${OK_HEAD}${'op x()\n'.repeat(SYNTAX_LIMITS.maxTokens / 5 + 1)}` });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(located('(SYNTAX_LIMITS.maxTokens)'));
    expect(r.ms).toBeLessThan(10_000);
  });

  it(`unexpected characters: ${MAX_LEX_ERRORS} reported per file, then one count; at most ${MAX_PRINTED} diagnostics printed`, async () => {
    const r = await check({ 'main.rules': '! '.repeat(200_000) });
    expect(r.code).toBe(1);
    expect(r.err.match(/\[lex-unexpected-char\]/g)!.length).toBe(MAX_LEX_ERRORS + 1);
    expect(r.err).toMatch(/main\.rules:1:201: error: 199900 more runs of unexpected characters \(only the first 100 are shown\)/);
    const dup = await check({ 'main.rules': `${OK_HEAD}arch x86_64 {\n${'  a -> nop\n'.repeat(3000)}}\n` });
    expect(dup.err).toMatch(/\(1999 more diagnostics not shown\)\n2999 error\(s\), 0 warning\(s\)\n$/);
  });
});

describe('binary limits', () => {
  it(`MAX_SITES (${MAX_SITES}): a site table with more entries is refused at its file offset`, () => {
    const def: SiteTableDef = {
      name: 'big', section: '.big', stride: 6, site: { kind: 'rel32', offset: 0 }, op: { width: 1, offset: 4 }, len: { width: 1, offset: 5 },
      opsTable: 'ops', expect: 'any', span: { file: 'x', start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 1, offset: 0 } },
    };
    const size = (MAX_SITES + 1) * def.stride;
    const data = new Uint8Array(size + 0x100); // zero pages: cheap to allocate
    const elf = {
      fileName: 'big.elf', data, header: { class: 32 }, arch: 'i386', programHeaders: [], symtab: [], dynsym: [], extent: data.length,
      sections: [{ index: 1, name: '.big', type: 1, offset: 0x100, fileSize: size, size: BigInt(size), addr: 0x1000n }],
    } as unknown as ElfFile;
    let err: unknown;
    try {
      readSiteTable(elf, def, {} as OpsTableView, {} as CodeMap);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('.big: 10000001 entries exceed the limit of 10000000 sites (MAX_SITES)');
    expect((err as InputError).at).toEqual({ file: 'big.elf', offset: 0x100 });
  });
});
