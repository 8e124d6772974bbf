// The CLI as users and build pipelines see it: exit codes, messages, line-for-line asm, atomic output.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gnuAssemble } from '../asm/unit/gnuAs.js';
import { cli } from '../helpers/cli.js';
import { writeRules } from '../helpers/rules.js';


describe('patchc CLI', () => {
  it('--help on each command, and usage errors exit 2', async () => {
    for (const c of ['compile', 'check', 'asm', 'apply', 'explain']) {
      const r = await cli(c, '--help');
      expect(r.code, c).toBe(0);
      expect(r.out).toMatch(new RegExp(`usage: patchc ${c}`));
    }
    expect((await cli()).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const bad = await cli('compile', 'x.rules', '--format', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown format 'xml'/);
  });

  it('an architecture written another way: the error names it once, with the name patchc knows', async () => {
    const dir = writeRules({ 'amd.rules': 'op a()\narch amd64 {\n  a -> nop\n}\n', 'dash.rules': 'op a()\narch x86-64 {\n  a -> nop\n}\n' });
    const amd = await cli('check', join(dir, 'amd.rules'), '--arch', 'all');
    expect(amd.code).toBe(1);
    expect(amd.err).toMatch(/amd\.rules:2:6: error: unknown architecture 'amd64'/);
    expect(amd.err).toMatch(/did you mean 'x86_64'\?/);
    // Not also "rule set has no 'arch x86_64' block" for every architecture: that would only echo it.
    expect(amd.err).not.toMatch(/no-rules-for-arch/);
    const dash = await cli('check', join(dir, 'dash.rules'));
    expect(dash.err).toMatch(/unknown architecture 'x86'.*\n(.*\n)*.*did you mean 'x86_64' \(64-bit\) or 'i386' \(32-bit\)/);
    const opt = await cli('compile', join(dir, 'amd.rules'), '--arch', 'i686');
    expect(opt.code).toBe(2);
    expect(opt.err).toMatch(/unknown architecture 'i686' \(did you mean 'i386'\?; known: x86_64, i386, all\)/);
  });

  it('errors in rules exit 1 with file:line:col and a code frame; nothing is written', async () => {
    const dir = writeRules({ 'bad.rules': 'op a()\narch x86_64 {\n  a -> mov al, 0x1ff\n  b -> nop\n}\n' });
    const out = join(dir, 'out.yaml');
    const r = await cli('compile', join(dir, 'bad.rules'), '-o', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.rules:3:\d+: error: /);
    expect(r.err).toMatch(/bad\.rules:4:3: error: rule for undeclared op 'b'/);
    expect(r.err).toMatch(/\n3 \|   a -> mov al, 0x1ff\n/);
    expect(r.err).toMatch(/\^/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('a missing rule file is an I/O error: exit 2', async () => {
    const r = await cli('compile', '/nonexistent/x.rules');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*x\.rules: no such file/);
  });

  it('compile -o writes the table; check prints ok', async () => {
    const dir = writeRules({ 'ok.rules': 'syntax att\nop a()\narch x86_64 {\n  a -> cli\n}\narch i386 {\n  a -> cli\n}\n' });
    const out = join(dir, 'out.json');
    expect((await cli('compile', join(dir, 'ok.rules'), '--format', 'json', '-o', out)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { arch: string; entries: { bytes: string }[] }[];
    expect(doc.map((d) => d.arch)).toEqual(['x86_64', 'i386']);
    expect(doc[0]!.entries[0]!.bytes).toBe('fa');
    const chk = await cli('check', join(dir, 'ok.rules'));
    expect(chk.code).toBe(0);
    expect(chk.out).toMatch(/ok/);
  });

  it('asm prints one line per input line, bytes or error, matching GNU as', async () => {
    const lines = ['mov rax, rdi', 'mov al, 0x1ff', 'push rbx', 'lea rax, [rip+0x10]', 'bogus rax'];
    const dir = writeRules({ 'in.s': `${lines.join('\n')}\n` });
    const r = await cli('asm', '--arch', 'x86_64', '--syntax', 'intel', '--file', join(dir, 'in.s'));
    expect(r.code).toBe(1);
    const got = r.out.trimEnd().split('\n');
    expect(got).toHaveLength(lines.length);
    const gnu = gnuAssemble(lines, { bitness: 64, syntax: 'intel' });
    got.forEach((g, i) => {
      const ref = gnu[i]!;
      if (ref.error || ref.warning) expect(g, lines[i]).toMatch(/^error: /);
      else expect(g.replace(/ /g, ''), lines[i]).toBe(ref.bytes);
    });
  });

  it('a rule file that is not UTF-8 is refused with the byte offset', async () => {
    const dir = writeRules({});
    const f = join(dir, 'bin.rules');
    writeFileSync(f, Buffer.from([0x6f, 0x70, 0x20, 0xff, 0xfe, 0x0a]));
    const r = await cli('check', f);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not valid UTF-8 \(first bad byte at offset 3\)/);
  });
});
