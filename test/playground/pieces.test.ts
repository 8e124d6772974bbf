// The playground's parts that need no browser: its in-memory rule tree under the CLI's loader, the syntax
// switch's rewrite, and the share link's encoding (Node has CompressionStream too).
import { describe, expect, it } from 'vitest';
import { LIMITS, loadRuleSetFrom } from '../../src/model/loadFrom.js';
import { dirnameOf, memoryRuleFiles, normalizePath } from '../../playground/src/worker/memoryFiles.js';
import { decodeShare, encodeShare } from '../../playground/src/share.js';
import { fileSyntax, withSyntax } from '../../playground/src/syntaxSetting.js';

describe('memoryRuleFiles', () => {
  it('resolves imports relative to the importing file, and names files without the leading slash', () => {
    expect(normalizePath('/rules/linux/../seed/./native.rules')).toBe('/rules/seed/native.rules');
    expect(dirnameOf('/a.rules')).toBe('/');
    const files = memoryRuleFiles(
      new Map([
        ['/r/main.rules', 'ruleset t.main\nimport "../lib/ops.rules"\narch x86_64 {\n  f -> cli\n}\n'],
        ['/lib/ops.rules', 'ruleset t.lib\nop f() : opaque\nimport "missing.rules"\n'],
      ]),
    );
    const r = loadRuleSetFrom('/r/main.rules', files);
    expect([...r.sources.keys()]).toEqual(['r/main.rules', 'lib/ops.rules']);
    expect(r.ruleset.ops.has('f')).toBe(true);
    expect(r.diagnostics.map((d) => [d.code, d.span?.file, d.message])).toEqual([
      ['import-missing', 'lib/ops.rules', expect.stringContaining('cannot read lib/missing.rules')],
    ]);
  });

  it('refuses a file over LIMITS.maxFileBytes as the disk reader does', () => {
    const big = `# ${'é'.repeat(LIMITS.maxFileBytes / 2)}\n`;
    expect(memoryRuleFiles(new Map([['/big.rules', big]])).read('/big.rules')).toEqual({
      error: `file is ${new TextEncoder().encode(big).length} bytes; the limit (LIMITS.maxFileBytes) is ${LIMITS.maxFileBytes}`,
    });
  });

  it('reports an import cycle with the display names', () => {
    const files = memoryRuleFiles(new Map([['/a.rules', 'import "b.rules"\n'], ['/b.rules', 'import "a.rules"\n']]));
    const cycle = loadRuleSetFrom('/a.rules', files).diagnostics.find((d) => d.code === 'import-cycle');
    expect(cycle?.message).toBe('import cycle: a.rules -> b.rules -> a.rules');
  });
});

describe('the syntax switch', () => {
  it('reads the statement (default intel), not a comment, and rewrites or inserts it after the ruleset line', () => {
    expect(fileSyntax('# syntax att\nruleset a\n')).toBe('intel');
    expect(fileSyntax('ruleset a\n  syntax att   # AT&T\n')).toBe('att');
    expect(withSyntax('ruleset a\nsyntax att # x\nop f() : nop\n', 'intel')).toBe('ruleset a\nsyntax intel # x\nop f() : nop\n');
    expect(withSyntax('# c\nruleset a\nop f() : nop\n', 'att')).toBe('# c\nruleset a\nsyntax att\nop f() : nop\n');
    expect(withSyntax('ruleset a', 'att')).toBe('ruleset a\nsyntax att\n');
    expect(withSyntax('op f() : nop\n', 'att')).toBe('syntax att\nop f() : nop\n');
  });
});

describe('the share link', () => {
  it('round-trips path, architecture and text (non-ASCII and large too), and refuses what does not decode', async () => {
    const text = `ruleset a # café ✓\n${'arch x86_64 {\n  f -> cli\n}\n'.repeat(2000)}`;
    const hash = await encodeShare({ path: '/rules/seed/native.rules', text, arch: 'i386' });
    expect(hash).toMatch(/^f=%2Frules%2Fseed%2Fnative.rules&a=i386&r=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(text.length / 10);
    expect(await decodeShare(`#${hash}`)).toEqual({ path: '/rules/seed/native.rules', text, arch: 'i386' });
    expect(await decodeShare('#f=%2Fa.rules&r=not-deflate')).toBeUndefined();
    expect(await decodeShare('#r=abc')).toBeUndefined();
  });
});
