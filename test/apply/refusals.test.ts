// Every reason apply refuses a site, on ELF64 and ELF32 programs built for the purpose: the site keeps its
// bytes (checked against the input with readelf's section table) and the report says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARCHES,
  bytesAt,
  canRun,
  FAR_ADDRESS,
  exitWith,
  happyProgram,
  happyRules,
  objdump,
  patchc,
  pvcall,
  readReport,
  refusalLd,
  refusalProgram,
  refusalRules,
  refusalSites,
  runProgram,
  sectionsOf,
  sha256,
  siteRecord,
  siteTableRules,
  symbolsOf,
  unhex,
  Workdir,
  type Arch,
  type Report,
  type ReportSite,
} from './fixtures.js';

const w = new Workdir('refusals');
afterAll(() => w.cleanup());

const hex = (n: bigint) => `0x${n.toString(16)}`;

describe.each(ARCHES)('%s', (arch: Arch) => {
  let input: string;
  let output: string;
  let report: Report;
  let noDefault: Report;
  let syms: Map<string, bigint>;
  const site = (r: Report, label: string): ReportSite => {
    const s = r.sites.find((x) => BigInt(x.address) === syms.get(label));
    if (!s) throw new Error(`no report entry for ${label}`);
    return s;
  };

  beforeAll(async () => {
    input = w.elf(`refuse-${arch}`, arch, refusalProgram(arch), refusalLd(arch));
    syms = symbolsOf(input);
    output = w.path(`refuse-${arch}.patched`);
    const a = await patchc('apply', '--rules', w.write('refuse.rules', refusalRules()), input, '-o', output, '--report', `${output}.json`);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    report = readReport(`${output}.json`);
    const b = await patchc('apply', '--rules', w.write('refuse-nodefault.rules', refusalRules({ noDefault: true })), input, '--dry-run', '--report', w.path(`nodefault-${arch}.json`));
    expect(b.code).toBe(0);
    noDefault = readReport(w.path(`nodefault-${arch}.json`));
  });

  const pvOps = () => syms.get('pv_ops')!;
  const W = arch === 'x86_64' ? 8n : 4n;
  const cases: [label: string, reason: () => RegExp][] = [
    ['r_notcall', () => /^original bytes are not an indirect call$/],
    ['r_wrongslot', () => new RegExp(`^the call goes through ${hex(pvOps() + W)}, not slot 0 of pv_ops \\(${hex(pvOps())}\\)$`)],
    ['r_regcall', () => /^the call goes through a register-based address, not slot 0 of pv_ops \(0x[0-9a-f]+\)$/],
    ['r_short', () => /^the indirect call is 6 bytes; the site says 7$/],
    ['r_long', () => /^the indirect call is 6 bytes; the site says 5$/],
    ['r_big', () => /^replacement is 10 bytes; the site has 6$/],
    ['r_clob', () => (arch === 'x86_64' ? /^replacement writes rcx, which the site's clobber mask \(rax\) does not allow$/ : /^replacement writes ecx, which the site's clobber mask \(eax\) does not allow$/)],
    ['r_unk', () => /^symbol 'no_such_function' is not defined$/],
    ['r_null', () => /^the rule calls the op's target, but its slot is NULL$/],
    ...(arch === 'x86_64' ? [['r_far', () => /^relocation to target at \+1 overflows: \d+ does not fit in 4 signed bytes$/] as [string, () => RegExp]] : []),
  ];

  it.each(cases)('refuses %s, leaves it byte for byte, and says why', (label, reason) => {
    const s = site(report, label);
    expect(s.outcome).toBe('refused');
    expect(s.reason).toMatch(reason());
    expect(s.patched).toBe(s.original);
    // The entry's len: given, or the code's own length (labels around it).
    const given = refusalSites(arch).find((x) => x.label === label)!.len;
    const len = given ?? Number(syms.get(`${label}_end`)! - syms.get(label)!);
    expect(s.len).toBe(len);
    const original = bytesAt(input, syms.get(label)!, len);
    expect(bytesAt(output, syms.get(label)!, len)).toBe(original);
    expect(unhex(s.original)).toBe(original);
    expect(s.kind).toBe('unchanged');
  });

  it('refuses a site with no rule when the rules have no default', () => {
    const s = site(noDefault, 'r_norule');
    expect(s.outcome).toBe('refused');
    expect(s.reason).toBe("no rule for op 'norule' and no default rule");
    expect(s.rule).toBeNull();
    // With `default -> call target` the same site is a direct call to the slot's function.
    expect(site(report, 'r_norule').outcome).toBe('patched');
    expect(objdump(output, syms.get('r_norule')!, 6)[0]!.text).toMatch(/^call\s+[0-9a-f]+ <f_norule>$/);
  });

  it('still patches the good site, and nothing else changed', () => {
    expect(site(report, 'r_good').outcome).toBe('patched');
    expect(report.summary.outcomes).toEqual({ patched: arch === 'x86_64' ? 2 : 3, 'already-applied': 0, refused: arch === 'x86_64' ? 10 : 9 });
  });

  it('`patchc explain` shows a refused site with its reason, the same before and after', async () => {
    const r = await patchc('explain', '--rules', w.path('refuse.rules'), input, '--op', 'clob');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/outcome: refused \(replacement writes [re]cx, which the site's clobber mask \([re]ax\) does not allow\)/);
    const [, before, after] = r.out.split(/ {2}before:\n| {2}after:\n/);
    expect(before!.trim()).toBe(after!.trim());
    expect(before).toMatch(/ff 15 .* call/);
  });

  it('--strict exits 1 when a site is refused (and still writes the report)', async () => {
    const out = w.subdir(`strict-${arch}`);
    const r = await patchc('apply', '--strict', '--rules', w.path('refuse.rules'), input, '-o', `${out}/o`, '--report', `${out}/r.json`);
    expect(r.code).toBe(1);
    expect(readReport(`${out}/r.json`).summary.outcomes.refused).toBeGreaterThan(0);
    expect(r.out).toMatch(/refused sites:/);
  });

  if (arch === 'x86_64') {
    it('the far target really is more than 2 GiB from the site (readelf)', () => {
      const far = sectionsOf(input).get('.fartext')!;
      expect(far.addr).toBe(BigInt(FAR_ADDRESS[arch]));
      expect(far.addr - syms.get('r_far')!).toBeGreaterThan(1n << 31n);
    });
  } else {
    // Regression: a rel32 call in 32-bit code reaches every address (EIP wraps mod 2^32, and GNU ld links
    // `call f_far` here without complaint); apply used to refuse it as an overflow.
    it('patches a call to a target 3.7 GiB away: rel32 wraps in 32-bit code', () => {
      const s = site(report, 'r_far');
      expect(s.outcome).toBe('patched');
      expect(objdump(output, syms.get('r_far')!, 6)[0]!.text).toMatch(/^call\s+f0000000 <f_far>$/);
    });
  }

  it('a NOP table entry that is not a NOP is a rule error; in a compiled table that bypasses the checker, the shape check refuses every site', async () => {
    const elf = w.elf(`shape-${arch}`, arch, happyProgram(arch, 'linux4'));
    // `0f` is the first byte of a two-byte opcode, not an instruction.
    const rules = w.write('shape.rules', happyRules('linux4').replace('arch x86_64 {', `nops ${arch} {\n  1: 0f\n}\n\narch x86_64 {`));
    const bad = await patchc('compile', rules, '--arch', arch);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/the 1-byte entry of the .* NOP table decodes as nothing valid/);
    // A table edited after compiling (tables are also input): the apply engine's own check still holds.
    const good = w.write('shape-good.rules', happyRules('linux4'));
    const compiled = await patchc('compile', good, '--arch', arch, '--format', 'json');
    expect(compiled.code).toBe(0);
    const doc = JSON.parse(compiled.out) as { nops: { table: Record<string, string> } };
    doc.nops.table = { '1': '0f' };
    const table = w.write(`shape-${arch}.json`, JSON.stringify(doc));
    const out = w.path(`shape-${arch}.patched`);
    const r = await patchc('apply', '--rules', table, elf, '-o', out, '--report', `${out}.json`);
    expect(r.code).toBe(0);
    const rep = readReport(`${out}.json`);
    expect(rep.summary.outcomes).toEqual({ patched: 0, 'already-applied': 0, refused: 6 });
    for (const s of rep.sites) expect(s.reason).toMatch(/^patched site would not decode as whole instructions: invalid instruction at offset \d+$/);
    expect(sha256(out)).toBe(sha256(elf));
  });

  it.skipIf(!canRun(arch))('a far `call target` runs where it is patched, and stays an indirect call where refused', async () => {
    const src = `
  .text
  .globl _start
_start:
  mov $41, ${arch === 'x86_64' ? '%edi' : '%eax'}
s_far: ${pvcall(arch, 0)}
s_far_end:
${exitWith(arch, '%eax')}
  .section .fartext,"ax"
f_far: ${arch === 'x86_64' ? 'lea 1(%rdi), %rax' : 'add $1, %eax'}
  ret
  .data
  .balign 8
pv_ops: ${arch === 'x86_64' ? '.quad' : '.long'} f_far
${siteRecord('linux4', arch, { at: 's_far', slot: 0 })}
`;
    const elf = w.elf(`far-${arch}`, arch, src, refusalLd(arch));
    const rules = w.write('far.rules', `ruleset far\nsyntax att\nop far(ulong) -> ulong\narch x86_64 {\n  default -> call target\n}\narch i386 {\n  default -> call target\n}\nopstable pv_ops {\n  symbol pv_ops\n  slots { far }\n}\n${siteTableRules('linux4')}`);
    const out = w.path(`far-${arch}.patched`);
    const r = await patchc('apply', '--rules', rules, elf, '-o', out, '--report', `${out}.json`);
    expect(r.code).toBe(0);
    expect(readReport(`${out}.json`).sites[0]!.outcome).toBe(arch === 'x86_64' ? 'refused' : 'patched');
    expect(runProgram(elf)).toEqual({ status: 42, signal: null });
    expect(runProgram(out)).toEqual({ status: 42, signal: null });
  });
});
