// GNU's location counter (`.`, Intel also `$`) against GNU as at test time: pc-relative uses resolve to GNU's
// bytes, uses that need the block's address are refused, and `.` never becomes a relocation's symbol.
import { describe, expect, it } from 'vitest';
import { assembleBlock, type AsmBlockResult, type AsmOptions, type Bitness } from '../../../src/asm/index.js';
import { gnuAssemble, type GnuLine } from './gnuAs.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const nops = (n: number): string => Array.from({ length: n }, () => 'nop').join('; ');
const signed = (k: number): string => (k < 0 ? `-${(-k).toString()}` : `+${k.toString()}`);

const MODES: AsmOptions[] = [64, 32, 16].flatMap((bitness) => (['att', 'intel'] as const).map((syntax) => ({ bitness: bitness as Bitness, syntax })));
const name = (o: AsmOptions): string => `${o.syntax} ${o.bitness}-bit`;

function noLocationSymbol(r: AsmBlockResult, line: string): void {
  for (const rel of r.relocations) expect(rel.symbol, `${line}: relocation against the location counter`).not.toMatch(/^[.$]$/);
}

/** Lines GNU assembles without a relocation: patchc must give its bytes. */
function expectSameBytes(lines: string[], opts: AsmOptions): void {
  const gnu = gnuAssemble(lines, opts);
  lines.forEach((line, i) => {
    const g = gnu[i]!;
    expect(g.error, `${line}: GNU refuses it`).toBeUndefined();
    expect(g.relocs, `${line}: GNU leaves a relocation`).toBeUndefined();
    const r = assembleBlock(line, opts);
    noLocationSymbol(r, line);
    expect(r.errors, line).toEqual([]);
    expect(r.relocations, line).toEqual([]);
    expect(hex(r.bytes), line).toBe(g.bytes);
  });
}

/** Lines GNU assembles (patchc gives its bytes) or refuses (so does patchc); how many patchc assembled. */
function expectAgreement(lines: string[], opts: AsmOptions, gnu: GnuLine[] = gnuAssemble(lines, opts)): number {
  let same = 0;
  lines.forEach((line, i) => {
    const g = gnu[i]!;
    const r = assembleBlock(line, opts);
    noLocationSymbol(r, line);
    expect(g.relocs, `${line}: GNU leaves a relocation`).toBeUndefined();
    if (g.error !== undefined) {
      expect(r.errors.length, `${line}: GNU says ${g.error}`).toBeGreaterThan(0);
      return;
    }
    expect(r.errors, line).toEqual([]);
    expect(hex(r.bytes), line).toBe(g.bytes);
    same++;
  });
  return same;
}

/** GNU needs a relocation (against the section) or refuses the line: patchc must refuse it. */
function expectRefusedLikeGnu(lines: string[], opts: AsmOptions, message?: RegExp): void {
  const gnu = gnuAssemble(lines, opts);
  lines.forEach((line, i) => {
    const g = gnu[i]!;
    expect(g.error !== undefined || (g.relocs?.length ?? 0) > 0, `${line}: GNU resolves it (${g.bytes})`).toBe(true);
    const r = assembleBlock(line, opts);
    noLocationSymbol(r, line);
    expect(r.errors.length, `${line} was accepted`).toBeGreaterThan(0);
    if (message) expect(r.errors[0]!.message, line).toMatch(message);
  });
}

// Every direct-branch family of the mode, as GNU spells it there.
function branchFamilies(bitness: Bitness): string[] {
  const counterJumps = bitness === 64 ? ['jrcxz', 'jecxz'] : ['jecxz', 'jcxz'];
  return ['jmp', 'call', 'jz', 'jne', 'ja', 'jle', 'js', 'jo', 'jp', 'jnc', 'loop', 'loope', 'loopne', ...counterJumps, 'xbegin'];
}

// Around both rel8 limits (short forms of 2 bytes, 3 with an address-size prefix), both directions.
const NEAR: number[] = Array.from({ length: 261 }, (_, i) => i - 130);
const BOUNDARIES = [-131, -130, -129, -128, -127, -126, -125, -124, -3, -2, -1, 0, 1, 2, 3, 124, 125, 126, 127, 128, 129, 130, 131, 132];
const FAR: Record<Bitness, number[]> = {
  64: [1000, -1000, 0x10000, -0x10000, 0x7ffffff0, -0x7ffffff0, 0x80000004, 0x80000005, -0x7ffffffb, -0x7ffffffc],
  32: [1000, -1000, 0x10000, -0x10000, 0x7ffffff0, -0x7ffffff0],
  16: [1000, -1000, 0x7ff0, -0x7ff0, 0x8002, -0x7ffa],
};

describe("'.'-relative direct branches agree with GNU as", () => {
  for (const opts of MODES) {
    it(`${name(opts)}: every family, every distance class`, () => {
      const lines: string[] = [];
      for (const m of branchFamilies(opts.bitness)) {
        const ks = m === 'jmp' || m === 'jz' || m === 'loop' || m === 'jecxz' ? NEAR : BOUNDARIES;
        for (const k of [...ks, ...FAR[opts.bitness]]) lines.push(`${m} .${k === 0 ? '' : signed(k)}`);
      }
      if (opts.syntax === 'intel') lines.push('jmp $', 'jmp $+2', 'jz $-10', 'loop $+5', 'call $', `jmp $+1000`);
      const gnu = gnuAssemble(lines, opts);
      const same = expectAgreement(lines, opts, gnu);
      // The far values past the signed range must have made GNU refuse in 64-bit code, or the refusals prove nothing.
      if (opts.bitness === 64) expect(gnu.filter((g) => g.error).length).toBeGreaterThan(0);
      expect(same).toBeGreaterThan(lines.length / 2);
    });
  }

  // `{disp32}` makes GNU start jmp/jcc near (loop/jecxz ignore it, 16-bit code refuses it); `{disp8}` changes nothing.
  for (const opts of MODES.filter((o) => o.syntax === 'att')) {
    it(`${name(opts)}: {disp32} and {disp8}, on '.' and on labels`, () => {
      const lines = branchFamilies(opts.bitness).flatMap((m) =>
        ['{disp32}', '{disp8}'].flatMap((p) => [`${p} ${m} .`, `${p} ${m} .+100`, `${p} ${m} .+1000`, `${p} ${m} 1f; nop; 1:`, `1: ${p} ${m} 1b`]),
      );
      expectAgreement(lines, opts);
    });
  }

  it('the examples of issue 12', () => {
    expectSameBytes(['jmp .', 'call .', 'jmp .+2', 'jz .-10', 'loop .+5', 'jmp .+1000'], { bitness: 64, syntax: 'att' });
    expectSameBytes(['jmp .', 'call .', 'jmp .+2', 'jz .-10', 'loop .+5'], { bitness: 32, syntax: 'att' });
  });

  it('spellings of the offset: parentheses, constant first, Intel hex, expressions', () => {
    expectSameBytes(['jmp .+(2*3)', 'jmp 2+.', 'jmp (.)', 'jmp .+1-1', 'jmp .-.+.', 'jz (.+4)-(.-.)', 'jmp . + 0x10'], { bitness: 64, syntax: 'att' });
    expectSameBytes(['jmp .+0x10', 'jmp $+0x10', 'jmp 2+$', 'jz $-012', 'jmp ($)+1', 'jmp OFFSET .', 'call OFFSET .+5'], { bitness: 64, syntax: 'intel' });
  });

  it('16- and 32-bit displacements that GNU wraps around the address space are refused, never encoded differently', () => {
    // GNU writes them modulo 2^32 (`jmp .+0x100000001` is e9 fc ff ff ff) or 2^16; patchc keeps to the signed field.
    const cases: [Bitness, string[]][] = [
      [32, ['jmp .+0x80000005', 'jmp .+0x100000001', 'call .-0x80000000', 'jz .+0x100000006']],
      [16, ['jmp .+0x8003', 'jmp .-0x7ffe', 'jz .-0x7ffd', 'call .+0x10002']],
    ];
    for (const [bitness, lines] of cases) {
      const gnu = gnuAssemble(lines, { bitness, syntax: 'att' });
      lines.forEach((line, i) => {
        const r = assembleBlock(line, { bitness, syntax: 'att' });
        noLocationSymbol(r, line);
        expect(r.errors[0]?.message, `${line} (GNU: ${gnu[i]!.bytes ?? gnu[i]!.error})`).toMatch(/out of range/);
      });
    }
  });
});

describe("'.' inside blocks, with labels before and after", () => {
  const blocks: Record<string, string[]> = {
    att: [
      '1: nop; jmp .+3; nop; jz 1b; jmp .-5',
      'jmp 1f; jmp .+200; 1: ret',
      `jmp 1f; ${nops(120)}; jmp .+10; 1: ret`,
      `jmp 1f; ${nops(120)}; jmp .+200; 1: ret`,
      `jmp 1f; ${nops(123)}; jmp .+200; 1: ret`,
      `1: ${nops(124)}; jmp .-2; jne 1b`,
      `1: ${nops(120)}; jmp .-300; jne 1b`,
      `jmp .+130; jmp 1f; ${nops(125)}; 1: jmp .-130`,
      '.byte 0x90; jmp .-1; .byte 0xcc',
      '1: jmp .+2; 1: jmp 1b; jmp .',
      'ds; jz .-1',
      'rep; jmp .',
      'nop; nop; jmp .-2',
      'top: dec %ecx; jnz top; loop .-3; jmp top',
    ],
    intel: [
      '1: nop; jmp $+3; nop; jz 1b; jmp .-5',
      `jmp 1f; ${nops(123)}; jmp $+200; 1: ret`,
      'top: dec ecx; jnz top; loop $-3; jmp top',
    ],
  };
  for (const opts of MODES.filter((o) => o.bitness !== 16)) {
    it(name(opts), () => {
      const acc = opts.bitness === 64 ? 'rax' : 'eax';
      const list = [...blocks[opts.syntax]!, opts.syntax === 'att' ? `call .+5; pop %${acc}` : `call $+5; pop ${acc}`];
      if (opts.bitness === 64) {
        list.push(opts.syntax === 'att' ? 'lea .(%rip),%rax; lea 1f(%rip),%rbx; jmp .+2; 1: ret' : 'lea rax, [rip+.]; lea rbx, [rip+1f]; jmp .+2; 1: ret');
        list.push(opts.syntax === 'att' ? `jmp 1f; ${nops(100)}; lea .-100(%rip),%rax; 1: jmp .-10` : `jmp 1f; ${nops(100)}; lea rax, [rip+.-100]; 1: jmp $-10`);
      }
      expectSameBytes(list, opts);
    });
  }
});

describe("RIP-relative '.' agrees with GNU as", () => {
  it('att 64-bit', () => {
    expectSameBytes(
      [
        'lea .(%rip),%rax', 'lea .+8(%rip),%rax', 'lea .-8(%rip),%r8', 'lea .-.(%rip),%rax', 'movl $5,.(%rip)', 'movl $5,.+4(%rip)',
        'movb $1,.(%rip)', 'cmpq $-1,.(%rip)', 'jmp *.(%rip)', 'call *.+8(%rip)', 'vmovdqu .(%rip),%ymm0', 'shufps $1,.(%rip),%xmm0',
        'mov .(%eip),%eax', 'addw $0x1234,.+2(%rip)', 'pushq .(%rip)', 'mov .-.(%eax),%eax',
        // Same-line prefixes belong to the statement: `.` is before them, the displacement counts them.
        'lock incl .(%rip)', 'lock addl $1,.+2(%rip)', 'mov %fs:.(%rip),%eax', 'notrack jmp *.(%rip)', 'movw $1,.(%rip)',
      ],
      { bitness: 64, syntax: 'att' },
    );
  });
  it('intel 64-bit', () => {
    expectSameBytes(
      [
        'lea rax, [rip+.]', 'lea rax, .[rip]', 'lea rax, [rip+.+8]', 'lea rax, [.+rip]', 'lea rax, [rip+.-.]', 'lea rax, [rip+$]',
        'mov eax, [rip+$+4]', 'mov DWORD PTR [rip+.], 5', 'jmp QWORD PTR [rip+.]', 'vmovdqu ymm0, [rip+.]', 'shufps xmm0, [rip+.], 1',
      ],
      { bitness: 64, syntax: 'intel' },
    );
  });
});

describe("constant differences '.-.' agree with GNU as", () => {
  it('in data directives and immediates', () => {
    expectSameBytes(['.byte .-.', '.byte .-., 1', '.long (.+4)-.', '.quad .-.', '.short .-.+7', 'mov $.-.,%eax', 'add $(.+3)-.,%al'], { bitness: 64, syntax: 'att' });
    expectSameBytes(['.byte .-.', 'mov $.-.,%eax'], { bitness: 32, syntax: 'att' });
    expectSameBytes(['mov eax, .-.', 'mov eax, OFFSET .-.', '.byte .-.'], { bitness: 64, syntax: 'intel' });
  });
});

describe("uses of '.' that need the block's address are refused", () => {
  const ABS = /location counter/;
  it('att 64-bit', () => {
    expectRefusedLikeGnu(['mov $.,%eax', 'mov $.,%rax', 'movl .,%eax', 'mov .+4,%eax', 'push $.', 'jmp *.', 'movabs .,%al', 'lea .,%rax', 'mov .(%rax),%eax', '.long .', '.quad .', '.quad .+8', 'lea .(,%rax,8),%rdx'], { bitness: 64, syntax: 'att' }, ABS);
  });
  it('att 32-bit', () => {
    expectRefusedLikeGnu(['mov $.,%eax', 'movl .,%eax', 'lea .,%eax', 'ljmp $0x10,$.', 'lcall $0x10,$.+4', 'push $.', '.long .', 'jmp *.(%eax)'], { bitness: 32, syntax: 'att' }, ABS);
  });
  it('intel', () => {
    expectRefusedLikeGnu(['mov eax, OFFSET .', 'mov eax, .', 'mov eax, $', 'mov eax, [$]', 'mov eax, OFFSET $+4', '.long $', 'push OFFSET .'], { bitness: 64, syntax: 'intel' }, ABS);
    expectRefusedLikeGnu(['mov eax, OFFSET .', 'lea eax, [.]', 'jmp DWORD PTR [.]'], { bitness: 32, syntax: 'intel' }, ABS);
  });
  it("AT&T direct branches to '$.' (an immediate), which GNU refuses", () => {
    for (const bitness of [64, 32] as const) expectRefusedLikeGnu(['jmp $.', 'call $.+5', 'loop $.', 'jz $.-2', 'jmp $1f; 1:'], { bitness, syntax: 'att' }, /without '\$'/);
  });
  it('expressions GNU cannot reduce to a constant or to one symbol', () => {
    expectRefusedLikeGnu(['jmp -(.)', 'jmp 2*.', 'mov $-.,%eax', 'mov $5-.,%eax', 'mov $.+.,%eax'], { bitness: 64, syntax: 'att' });
  });
});

describe("what patchc refuses although GNU as has an answer", () => {
  const cases: { opts: AsmOptions; lines: string[]; message: RegExp }[] = [
    // Label differences: GNU reduces them when both ends are in one fragment; patchc keeps refusing symbol differences.
    { opts: { bitness: 64, syntax: 'att' }, lines: ['.long 1f-.; 1:', '1: .long .-1b', 'mov $1f-.,%eax; 1:', 'jmp .+(1f-.); 1:'], message: /location counter '\.' and a symbol/ },
    // GNU reads `.@plt` as `.`; a relocation operator on the location counter means nothing.
    { opts: { bitness: 64, syntax: 'att' }, lines: ['call .@plt', 'jmp .@PLT'], message: /cannot apply to the location counter/ },
    // GNU evaluates the first `$` of `$-$` inside brackets at some earlier statement.
    { opts: { bitness: 64, syntax: 'intel' }, lines: ['lea rax, [rip+$-$]', 'mov eax, $-$', 'mov eax, $-.'], message: /difference of '\$'/ },
    // GNU defines a local symbol named `.` that nothing can refer to (`jmp .` still means the location counter).
    { opts: { bitness: 64, syntax: 'att' }, lines: ['.: nop', '.: jmp .'], message: /cannot be a label/ },
    { opts: { bitness: 64, syntax: 'intel' }, lines: ['$: nop'], message: /cannot be a label/ },
  ];
  for (const c of cases) {
    it(`${name(c.opts)}: ${c.lines[0]}`, () => {
      const gnu: GnuLine[] = gnuAssemble(c.lines, c.opts);
      c.lines.forEach((line, i) => {
        const r = assembleBlock(line, c.opts);
        noLocationSymbol(r, line);
        expect(r.errors[0]?.message, `${line} (GNU: ${gnu[i]!.bytes ?? gnu[i]!.error})`).toMatch(c.message);
      });
    });
  }
});
