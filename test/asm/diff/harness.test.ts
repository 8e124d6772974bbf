// Checks the differential harness itself: if the reference or the classification were wrong, every
// number the corpus and real-code suites report would be wrong with it.

import { describe, expect, it } from 'vitest';
import { classify } from './compare.js';
import { parseCorpusFile, serializeCorpusFile, type CorpusFile } from './corpus-format.js';
import { gnuAssembleItems, hex, type GnuItemResult } from './gnu.js';
import { normalizeObjdumpInsn } from './realcode.js';

describe('gnuAssembleItems', () => {
  it('maps bytes, errors and warnings to the right items, in every syntax', async () => {
    const att = await gnuAssembleItems(['mov %eax,%ebx', 'mov %al,%rbx', 'mov $0x1ff,%al', 'lea %fs:(%rax),%eax', 'add $1,%r9'], { syntax: 'att', bitness: 64 });
    expect(att.map((r) => r.verdict)).toEqual(['ok', 'error', 'warn-refuse', 'warn', 'ok']);
    expect(att.map((r) => hex(r.bytes))).toEqual(['89 c3', '-', 'b0 ff', '64 8d 00', '49 83 c1 01']);
    const intel = await gnuAssembleItems(['mov ebx, eax', 'mov eax, DWORD PTR [rip+0x10]'], { syntax: 'intel', bitness: 64 });
    expect(intel.map((r) => hex(r.bytes))).toEqual(['89 c3', '8b 05 10 00 00 00']);
    const np = await gnuAssembleItems(['mov eax,ebx', 'push r8'], { syntax: 'attnp', bitness: 32 });
    expect(np[0]?.verdict).toBe('ok');
    expect(hex(np[0]?.bytes)).toBe('89 c3');
  });

  it('assembles multi-line blocks as a whole and flags relocations', async () => {
    const r = await gnuAssembleItems(['jmp 1f\nnop\n1:', '.La:\njmp .La', 'call somewhere'], { syntax: 'att', bitness: 32 });
    expect(r.map((x) => hex(x.bytes))).toEqual(['eb 01 90', 'eb fe', 'e8 fc ff ff ff']);
    expect(r.map((x) => x.hasRelocations)).toEqual([false, false, true]);
    expect(r[2]?.relocations).toEqual([{ offset: 1, size: 4, pcRelative: true, symbol: 'somewhere', addend: -4 }]);
    const r64 = await gnuAssembleItems(['call f', 'mov f+8(%rip),%eax', 'movabs $g,%rax', 'mov $h,%eax'], { syntax: 'att', bitness: 64 });
    expect(r64.map((x) => x.relocations)).toEqual([
      [{ offset: 1, size: 4, pcRelative: true, symbol: 'f', addend: -4 }],
      [{ offset: 2, size: 4, pcRelative: true, symbol: 'f', addend: 4 }],
      [{ offset: 2, size: 8, pcRelative: false, symbol: 'g', addend: 0 }],
      [{ offset: 1, size: 4, pcRelative: false, symbol: 'h', addend: 0 }],
    ]);
  });

  it('pins errors GNU reports without a line number on the right item', async () => {
    const r = await gnuAssembleItems(['nop', 'jmp 7f', 'ret', 'int3'], { syntax: 'att', bitness: 64 });
    expect(r.map((x) => x.verdict)).toEqual(['ok', 'error', 'ok', 'ok']);
    expect(r.map((x) => hex(x.bytes))).toEqual(['90', '-', 'c3', 'cc']);
  });
});

describe('classify', () => {
  const ok: GnuItemResult = { verdict: 'ok', bytes: Uint8Array.of(0x90), messages: [], hasRelocations: false };
  const err: GnuItemResult = { verdict: 'error', messages: ['Error: x'], hasRelocations: false };
  const trunc: GnuItemResult = { verdict: 'warn-refuse', bytes: Uint8Array.of(0xb0, 0xff), messages: [], hasRelocations: false };
  const bytes = (...b: number[]) => ({ kind: 'bytes' as const, bytes: Uint8Array.from(b), relocations: [] });
  const refused = { kind: 'refused' as const, message: 'no' };

  it('separates agreement, gaps and bugs', () => {
    expect(classify('match', ok, bytes(0x90))).toBe('identical');
    expect(classify('match', ok, bytes(0x66, 0x90))).toBe('wrong');
    expect(classify('match', ok, refused)).toBe('refused');
    expect(classify('match', err, refused)).toBe('refused-ok');
    expect(classify('match', err, bytes(0x90))).toBe('accepted-invalid');
    expect(classify('match', trunc, bytes(0xb0, 0xff))).toBe('accepted-invalid');
    expect(classify('refuse', ok, bytes(0x90))).toBe('accepted-invalid');
    expect(classify('match', ok, { kind: 'threw', message: 'boom' })).toBe('threw');
    const rel = { offset: 1, size: 4 as const, pcRelative: true, symbol: 'f', addend: -4 };
    expect(classify('match', ok, { kind: 'bytes', bytes: Uint8Array.of(0x90), relocations: [rel] })).toBe('wrong');
    // i386 REL: GNU keeps the addend in the field; patchc may leave it zero and report it in the relocation.
    const call32: GnuItemResult = { verdict: 'ok', bytes: Uint8Array.of(0xe8, 0xfc, 0xff, 0xff, 0xff), messages: [], hasRelocations: true, relocations: [rel] };
    expect(classify('match', call32, { kind: 'bytes', bytes: Uint8Array.of(0xe8, 0, 0, 0, 0), relocations: [rel] })).toBe('identical');
    expect(classify('match', call32, { kind: 'bytes', bytes: Uint8Array.of(0xe8, 0, 0, 0, 0), relocations: [{ ...rel, addend: 0 }] })).toBe('wrong');
  });
});

describe('corpus format', () => {
  it('round-trips lines and blocks', () => {
    const lines: CorpusFile = { group: 'g', syntax: 'att', bitness: 64, format: 'lines', expect: 'match', items: ['nop', 'ret'] };
    const blocks: CorpusFile = { ...lines, format: 'blocks', items: ['jmp 1f\n1:', 'nop'] };
    expect(parseCorpusFile(serializeCorpusFile(lines))).toEqual(lines);
    expect(parseCorpusFile(serializeCorpusFile(blocks))).toEqual(blocks);
  });
});

describe('objdump normalization', () => {
  it('drops annotations and direct branches, keeps indirect ones', () => {
    expect(normalizeObjdumpInsn('mov    0x1ffad(%rip),%rax        # 23fb8 <__gmon_start__@Base>', 'att')).toBe('mov 0x1ffad(%rip),%rax');
    expect(normalizeObjdumpInsn('je     4012 <__ctype_toupper_loc@plt-0x1e>', 'att')).toBe('branch');
    expect(normalizeObjdumpInsn('call   2350 <__cxa_finalize@plt>', 'intel')).toBe('branch');
    expect(normalizeObjdumpInsn('bnd jmp 4020 <x>', 'att')).toBe('branch');
    expect(normalizeObjdumpInsn('jmp    *0x1feaa(%rip)        # 24120 <getgrgid@GLIBC_2.2.5>', 'att')).toBe('jmp *0x1feaa(%rip)');
    expect(normalizeObjdumpInsn('notrack jmp rax', 'intel')).toBe('notrack jmp rax');
    expect(normalizeObjdumpInsn('mov    %rax,%rbx', 'attnp')).toBe('mov rax,rbx');
    expect(normalizeObjdumpInsn('(bad)', 'att')).toBeNull();
  });
});
