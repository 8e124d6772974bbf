// patchc apply on small ELF32/ELF64 programs built for the purpose: every replacement kind, three site
// table layouts declared in rule files only, the patched programs run, and applying twice changes nothing.
// Expected bytes come from GNU as, addresses from readelf, the patched code from objdump.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHES,
  canRun,
  fieldBytes,
  gasHex,
  happyProgram,
  happyRules,
  HAPPY_SITES,
  HAPPY_STATUS,
  LAYOUTS,
  objdump,
  patchc,
  readReport,
  runProgram,
  sectionsOf,
  sha256,
  stride,
  symbolsOf,
  unhex,
  Workdir,
  type Arch,
  type Layout,
  type Report,
} from './fixtures.js';

/** What each site must become: the rule's instructions as GNU as encodes them, then GNU as `.nops` to 6 bytes. */
const EXPECTED_ASM: Record<Arch, Record<(typeof HAPPY_SITES)[number], string>> = {
  x86_64: {
    s_dbl: 'lea (%rdi,%rdi), %rax', // op rule
    s_nop: '', // target paravirt_nop -> {}
    s_add3: 'call f_add3', // default -> call target (relocated below)
    s_seven: 'mov $7, %eax', // op rule
    s_special: 'mov $2, %eax', // target f_special
    s_missing: 'ud2', // missing -> trap
  },
  i386: {
    s_dbl: 'add %eax, %eax',
    s_nop: '',
    s_add3: 'call f_add3',
    s_seven: 'mov $7, %eax',
    s_special: 'mov $2, %eax',
    s_missing: 'ud2',
  },
};

const RULE: Record<(typeof HAPPY_SITES)[number], string> = {
  s_dbl: 'op:dbl',
  s_nop: 'target:paravirt_nop',
  s_add3: 'default',
  s_seven: 'op:seven',
  s_special: 'target:f_special',
  s_missing: 'missing',
};

const w = new Workdir('happy');
afterAll(() => w.cleanup());

describe.each(ARCHES)('%s', (arch) => {
  describe.each(LAYOUTS)('site table layout %s', (layout: Layout) => {
    const name = `happy-${arch}-${layout}`;
    let input: string;
    let output: string;
    let again: string;
    let report: Report;
    let report2: Report;
    let syms: Map<string, bigint>;
    let inputHash: string;

    beforeAll(async () => {
      input = w.elf(name, arch, happyProgram(arch, layout));
      inputHash = sha256(input);
      syms = symbolsOf(input);
      const rules = w.write(`happy-${layout}.rules`, happyRules(layout));
      output = w.path(`${name}.patched`);
      again = w.path(`${name}.patched2`);
      const r1 = await patchc('apply', '--rules', rules, input, '-o', output, '--report', `${output}.json`);
      expect(r1.err).toBe('');
      expect(r1.code).toBe(0);
      const r2 = await patchc('apply', '--rules', rules, output, '-o', again, '--report', `${again}.json`);
      expect(r2.code).toBe(0);
      report = readReport(`${output}.json`);
      report2 = readReport(`${again}.json`);
    });

    it('patches every site with the rule precedence gives (op, target, missing, default)', () => {
      expect(report.summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
      expect(report.summary.kinds).toEqual({ inline: 4, call: 1, nops: 1, unchanged: 0 });
      const bySite = new Map(report.sites.map((s) => [BigInt(s.address), s]));
      for (const label of HAPPY_SITES) {
        const s = bySite.get(syms.get(label)!);
        expect(s, label).toBeDefined();
        expect(s!.rule, label).toBe(RULE[label]);
        expect(s!.len, label).toBe(6);
      }
      expect(bySite.get(syms.get('s_missing')!)!.target).toEqual({ address: '0x0', symbol: null });
      expect(bySite.get(syms.get('s_add3')!)!.target).toEqual({ address: `0x${syms.get('f_add3')!.toString(16)}`, symbol: 'f_add3' });
    });

    it('each site holds the bytes GNU as gives for the rule, padded with the NOPs GNU as gives (objdump)', () => {
      for (const label of HAPPY_SITES) {
        const at = syms.get(label)!;
        const dis = objdump(output, at, 6);
        const got = dis.map((l) => l.hex).join('');
        let insn = EXPECTED_ASM[arch][label];
        // GNU as encodes `call .+N` at any address with the displacement a call from the site to f_add3 has.
        if (insn.startsWith('call ')) insn = `call .+${Number(syms.get('f_add3')! - at)}`;
        const want = gasHex(arch, `${insn}\n.nops ${6 - gasHex(arch, insn, w.dir).length / 2}`, w.dir);
        expect(got, label).toBe(want);
        // The whole site decodes as whole instructions, ending exactly at the site's end.
        const last = dis[dis.length - 1]!;
        expect(last.address + BigInt(last.hex.length / 2), label).toBe(at + 6n);
        // And the report agrees with the file.
        expect(unhex(report.sites.find((s) => BigInt(s.address) === at)!.patched), label).toBe(got);
      }
    });

    it('`call target` is relocated per site: objdump shows a call to the slot function symbol', () => {
      const dis = objdump(output, syms.get('s_add3')!, 6);
      expect(dis[0]!.text).toMatch(new RegExp(`^call\\s+${syms.get('f_add3')!.toString(16)} <f_add3>$`));
      const trap = objdump(output, syms.get('s_missing')!, 6);
      expect(trap[0]!.text).toBe('ud2');
      // The 6-byte NOP of Linux's x86_nops (arch/x86/include/asm/nops.h): BYTES_NOP6 is `nopw 0x0(%rax,%rax,1)`
      // for CONFIG_64BIT and `leal 0x0(%esi),%esi` for 32-bit. (GNU as `.nops` agrees for 1, 4 and 6 bytes,
      // the fills used above, on both.)
      expect(objdump(output, syms.get('s_nop')!, 6).map((l) => l.hex)).toEqual([arch === 'x86_64' ? '660f1f440000' : '8db600000000']);
    });

    it('changes no byte outside the sites, and leaves the input unchanged', () => {
      expect(sha256(input)).toBe(inputHash);
      const a = readFileSync(input);
      const b = readFileSync(output);
      expect(b.length).toBe(a.length);
      const text = sectionsOf(input).get('.text')!;
      const siteOffsets = new Set<number>();
      for (const label of HAPPY_SITES) for (let k = 0; k < 6; k++) siteOffsets.add(text.offset + Number(syms.get(label)! - text.addr) + k);
      const changed: number[] = [];
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed.push(i);
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.filter((o) => !siteOffsets.has(o))).toEqual([]);
    });

    it.skipIf(!canRun(arch))('the original and the patched program exit with the status their code computes', () => {
      expect(runProgram(input)).toEqual({ status: HAPPY_STATUS.original, signal: null });
      expect(runProgram(output)).toEqual({ status: HAPPY_STATUS.patched, signal: null });
      // The NULL slot's site: a call through NULL faults; the trap rule's ud2 raises SIGILL.
      expect(runProgram(input, ['x']).signal).toBe('SIGSEGV');
      expect(runProgram(output, ['x']).signal).toBe('SIGILL');
    });

    it('applying to the patched file again is byte-identical and reports already-applied', () => {
      expect(sha256(again)).toBe(sha256(output));
      expect(report2.summary.outcomes).toEqual({ patched: 0, 'already-applied': 6, refused: 0 });
      expect(report2.sites.every((s) => s.reason === null && s.original === s.patched)).toBe(true);
    });

    // (On i386 the 2.6.29 entry has no padding: its fields fill all 8 bytes.)
    it.skipIf(fieldBytes(layout, arch) === stride(layout, arch))('accepts a last entry that lacks only its trailing padding', async () => {
      const short = w.elf(`${name}-nopad`, arch, happyProgram(arch, layout, { lastNoPad: true }));
      const sec = sectionsOf(short).get('.pv_sites')!;
      expect(sec.size).toBe(stride(layout, arch) * (HAPPY_SITES.length - 1) + fieldBytes(layout, arch));
      const out = w.path(`${name}-nopad.patched`);
      const r = await patchc('apply', '--rules', w.path(`happy-${layout}.rules`), short, '-o', out, '--report', `${out}.json`);
      expect(r.code).toBe(0);
      expect(readReport(`${out}.json`).summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
      if (canRun(arch)) expect(runProgram(out).status).toBe(HAPPY_STATUS.patched);
    });
  });
});

// Linked where kernels live: i386 above 3 GiB (addresses with the top bit set; still runs as a 32-bit
// process on a 64-bit kernel), x86_64 in the top 2 GiB (sign-extended addresses; not run).
describe.each([
  ['i386', '0xc1000000'],
  ['x86_64', '0xffffffff81000000'],
] as const)('%s linked at %s', (arch, base) => {
  it.each(['linux2629', 'rel32'] as const)('%s: every site patched, calls relocated', async (layout) => {
    const name = `high-${arch}-${layout}`;
    const input = w.elf(name, arch, happyProgram(arch, layout), [`-Ttext=${base}`]);
    const syms = symbolsOf(input);
    expect(syms.get('_start')).toBe(BigInt(base));
    const out = w.path(`${name}.patched`);
    const rules = w.write(`happy-${layout}.rules`, happyRules(layout));
    const r = await patchc('apply', '--rules', rules, input, '-o', out, '--report', `${out}.json`);
    expect(r.code).toBe(0);
    expect(readReport(`${out}.json`).summary.outcomes).toEqual({ patched: 6, 'already-applied': 0, refused: 0 });
    expect(objdump(out, syms.get('s_add3')!, 6)[0]!.text).toMatch(new RegExp(`^call\\s+${syms.get('f_add3')!.toString(16)} <f_add3>$`));
    if (arch === 'i386' && canRun(arch)) expect(runProgram(out)).toEqual({ status: HAPPY_STATUS.patched, signal: null });
  });
});

// Regression: `target SYM` matched the one name the symbol table gives the slot's address; a global alias
// at the same address hid a local paravirt_nop, and the site became a call. Linux compares pointers.
describe.each(ARCHES)('%s: a `target SYM` rule matches by address', (arch) => {
  it('a global alias at the same address as a local paravirt_nop does not hide it', async () => {
    const src = happyProgram(arch, 'linux4')
      .replace('.globl paravirt_nop,', '.globl')
      .replace('paravirt_nop: ret', 'paravirt_nop:\n  .globl pv_nop_alias\npv_nop_alias:\n  ret');
    const input = w.elf(`alias-${arch}`, arch, src);
    const syms = symbolsOf(input);
    expect(syms.get('pv_nop_alias')).toBe(syms.get('paravirt_nop'));
    const out = w.path(`alias-${arch}.patched`);
    const r = await patchc('apply', '--rules', w.write('happy-linux4.rules', happyRules('linux4')), input, '-o', out, '--report', `${out}.json`);
    expect(r.code).toBe(0);
    const site = readReport(`${out}.json`).sites.find((s) => s.op === 'nop_hook')!;
    expect(site.rule).toBe('target:paravirt_nop');
    expect(site.kind).toBe('nops');
    expect(objdump(out, syms.get('s_nop')!, 6).map((l) => l.hex).join('')).toBe(gasHex(arch, '.nops 6', w.dir));
  });
});

describe.each(ARCHES)('%s: rule precedence', (arch) => {
  it('an op rule beats a `target SYM` rule, and beats `missing` for a NULL slot', async () => {
    const input = w.elf(`happy-${arch}-linux4`, arch, happyProgram(arch, 'linux4'));
    const rules = w.write(
      `precedence.rules`,
      happyRules('linux4').replace(/ {2}target f_special -> mov \$2, %eax\n/g, '  target f_special -> mov $2, %eax\n  special -> mov $5, %eax\n  missing_op -> xor %eax, %eax\n'),
    );
    const out = w.path(`precedence-${arch}.patched`);
    const r = await patchc('apply', '--rules', rules, input, '-o', out, '--report', `${out}.json`);
    expect(r.code).toBe(0);
    const rule = (op: string) => readReport(`${out}.json`).sites.find((s) => s.op === op)!.rule;
    expect(rule('special')).toBe('op:special');
    expect(rule('missing_op')).toBe('op:missing_op');
    expect(rule('nop_hook')).toBe('target:paravirt_nop');
    // 10 + 13 + 7 + 5; with an argument the NULL slot's site runs `xor %eax, %eax` instead of trapping.
    if (canRun(arch)) {
      expect(runProgram(out)).toEqual({ status: 35, signal: null });
      expect(runProgram(out, ['x'])).toEqual({ status: 35, signal: null });
    }
  });
});
