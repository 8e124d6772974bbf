// The formatter may change white space only: every rule file in the repository compiles to the same tables
// (and the same diagnostics, line for line) before and after, and formatting twice changes nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatText } from '../../src/syntax/format.js';
import { buildTables } from '../../src/pipeline/build.js';
import { readTextFile } from '../../src/model/load.js';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';

function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) out.push(...ruleFiles(p));
    else if (name.endsWith('.rules')) out.push(p);
  }
  return out.sort();
}

const shipped = [...ruleFiles('rules'), ...ruleFiles('examples')];
const fixtures = ruleFiles('test');

/** Tables and diagnostics without positions inside a line (columns move; lines and bytes must not). */
function meaning(path: string, formatted: boolean): string {
  const read = formatted
    ? (abs: string) => {
        const r = readTextFile(abs);
        if ('error' in r) return r;
        const f = formatText(abs, r.text);
        return { text: f.text ?? r.text };
      }
    : undefined;
  const built = buildTables(path, undefined, read);
  const diags = built.diagnostics.map((d) => `${d.severity} ${d.code} ${d.span?.file}:${d.span?.start.line} ${d.message}`);
  return JSON.stringify({ tables: built.tables, verdicts: built.verdicts, diags }, (key, v: unknown) => {
    if (key === 'span') return undefined;
    if (key === 'source' && v && typeof v === 'object') return { ...(v as object), col: undefined };
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (v instanceof Map) return [...v.entries()];
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

describe('patchc fmt: meaning kept', () => {
  it.each([...shipped, ...fixtures])('%s compiles to the same tables after formatting', (file) => {
    expect(meaning(file, true)).toBe(meaning(file, false));
  });

  it.each([...shipped, ...fixtures])('%s: formatting is idempotent', (file) => {
    const once = formatText(file, readFileSync(file, 'utf8')).text;
    if (once === undefined) return;
    expect(formatText(file, once).text).toBe(once);
  });

  it.each(shipped)('%s is formatted', (file) => {
    expect(formatText(file, readFileSync(file, 'utf8')).text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('patchc fmt: layout', () => {
  it('indents, spaces and aligns; keeps comments and lines', () => {
    const text = [
      '',
      '',
      'ruleset  t   # name',
      'op a(u64)->u64:identity(arg0)   max 8',
      'op  bb ( x : u32 , u32 ) : const -1',
      '',
      '',
      '',
      'arch x86_64{',
      '# about a',
      '      a->mov %rdi,%rax # move',
      ' bb -> xor %eax,%eax;ret',
      'default->{',
      'mov (%rax,%rbx,4), %rcx',
      '1:',
      '}',
      '}',
      '',
    ].join('\n');
    expect(formatText('t.rules', text).text).toBe(
      [
        'ruleset t  # name',
        'op a(u64) -> u64 : identity(arg0) max 8',
        'op bb(x: u32, u32) : const -1',
        '',
        'arch x86_64 {',
        '  # about a',
        '  a  -> mov %rdi, %rax  # move',
        '  bb -> xor %eax, %eax; ret',
        '  default -> {',
        '    mov (%rax,%rbx,4), %rcx',
        '  1:',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('patchc fmt: edge cases', () => {
  it.each([
    ['CR LF line ends', 'ruleset t\r\nop a() : opaque\r\narch x86_64 {\r\n a -> nop   # x\r\n}', 'ruleset t\nop a() : opaque\narch x86_64 {\n  a -> nop  # x\n}\n'],
    ['no final newline, trailing blank lines', 'ruleset t\n\n\n', 'ruleset t\n'],
    ['empty file', '', ''],
    ['pseudo-prefix, one-line block, raw bytes', 'ruleset t\nsyntax att\nop a() : opaque\narch x86_64 {\n  a -> { {vex} vpxor %xmm0,%xmm0,%xmm0 ; nop }\n  default -> bytes 0f   0b\n}\n', 'ruleset t\nsyntax att\nop a() : opaque\narch x86_64 {\n  a       -> { {vex} vpxor %xmm0, %xmm0, %xmm0; nop }\n  default -> bytes 0f 0b\n}\n'],
    ['nested table block', 'sitetable s {\n section ".x#y"  # s\n clobbers u16 at 10 {\n rax rcx\n }\n}\n', 'sitetable s {\n  section ".x#y"  # s\n  clobbers u16 at 10 {\n    rax rcx\n  }\n}\n'],
  ])('%s', (_name, input, expected) => {
    const once = formatText('t.rules', input).text;
    expect(once).toBe(expected);
    expect(formatText('t.rules', once!).text).toBe(once);
  });

  it('a file with a lexer error is refused', () => {
    const r = formatText('t.rules', 'ruleset t\nop a() : opaque ~\n');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('lex-unexpected-char');
  });
});

describe('patchc fmt: command', () => {
  const messy = 'ruleset t\nop  a() : opaque\narch x86_64 {\n a -> nop\n}\n';
  const clean = 'ruleset t\nop a() : opaque\narch x86_64 {\n  a -> nop\n}\n';

  it('prints the formatted file by default', async () => {
    const dir = writeRules({ 'a.rules': messy });
    const r = await cli('fmt', join(dir, 'a.rules'));
    expect(r).toMatchObject({ code: 0, out: clean });
  });

  it('--check lists the files not formatted and exits 1; --write fixes them', async () => {
    const dir = writeRules({ 'a.rules': messy, 'b.rules': clean });
    const a = join(dir, 'a.rules');
    const b = join(dir, 'b.rules');
    expect(await cli('fmt', '--check', a, b)).toMatchObject({ code: 1, out: `${a}\n` });
    expect(await cli('fmt', '--write', a, b)).toMatchObject({ code: 0 });
    expect(readFileSync(a, 'utf8')).toBe(clean);
    expect(await cli('fmt', '--check', a, b)).toMatchObject({ code: 0, out: '' });
  });

  it('a file that does not parse: diagnostics with file:line:col, exit 1, file untouched', async () => {
    const dir = writeRules({ 'bad.rules': 'ruleset t\nop a( : opaque\n' });
    const bad = join(dir, 'bad.rules');
    const r = await cli('fmt', '--write', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${bad}:2:`);
    expect(r.err).toContain('[syntax]');
    expect(readFileSync(bad, 'utf8')).toBe('ruleset t\nop a( : opaque\n');
  });

  it('usage errors exit 2', async () => {
    expect((await cli('fmt')).code).toBe(2);
    expect((await cli('fmt', '--check', '--write', 'x.rules')).code).toBe(2);
    expect((await cli('fmt', resolve('does-not-exist.rules'))).code).toBe(2);
  });
});
