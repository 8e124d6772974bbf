// Fixtures for the apply tests: small static ELF32/ELF64 programs with paravirt-style sites, built at test
// time with GNU as + ld (no C compiler), and the outside tools (objdump, readelf, as) the expected facts
// come from. patchc is only run (in process, through main()); what is right is never asked of it.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

export type Arch = 'x86_64' | 'i386';
export const ARCHES: Arch[] = ['x86_64', 'i386'];

/**
 * Site table layouts, all declared in rule files only:
 * - linux2629: struct paravirt_patch_site { u8 *instr; u8 instrtype; u8 len; u16 clobbers; } (2.6.29)
 * - linux4:    struct paravirt_patch_site { u8 *instr; u8 type; u8 len; } (4.x to 6.7)
 * - rel32:     { s32 instr (relative to the field); u8 op; u8 len; } padded to 8 bytes
 */
export type Layout = 'linux2629' | 'linux4' | 'rel32';
export const LAYOUTS: Layout[] = ['linux2629', 'linux4', 'rel32'];

const canRunCache = new Map<Arch, boolean>();

/**
 * Whether this machine runs static programs of the architecture (an x86_64 Linux host; for i386 also a
 * kernel with IA-32 emulation): a three-instruction program is built and run once per process.
 */
export function canRun(arch: Arch): boolean {
  let ok = canRunCache.get(arch);
  if (ok !== undefined) return ok;
  ok = false;
  if (process.platform === 'linux' && process.arch === 'x64') {
    const dir = mkdtempSync(join(tmpdir(), 'patchc-apply-canrun-'));
    try {
      writeFileSync(join(dir, 'p.s'), `.text\n.globl _start\n_start:\n  mov $7, %eax\n${exitWith(arch, '%eax')}\n`);
      execFileSync('as', [arch === 'x86_64' ? '--64' : '--32', '-o', join(dir, 'p.o'), join(dir, 'p.s')], { stdio: 'pipe' });
      execFileSync('ld', ['-m', arch === 'x86_64' ? 'elf_x86_64' : 'elf_i386', '-o', join(dir, 'p'), join(dir, 'p.o')], { stdio: 'pipe' });
      const r = spawnSync(join(dir, 'p'), { timeout: 10_000 });
      ok = !r.error && r.status === 7;
    } catch {
      ok = false;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  canRunCache.set(arch, ok);
  return ok;
}

export const ptrBytes = (arch: Arch) => (arch === 'x86_64' ? 8 : 4);
export const stride = (layout: Layout, arch: Arch) => (layout === 'rel32' ? 8 : 2 * ptrBytes(arch));
/** Bytes of the fields of one entry (the last entry may stop there). */
export const fieldBytes = (layout: Layout, arch: Arch) => (layout === 'rel32' ? 6 : layout === 'linux4' ? ptrBytes(arch) + 2 : ptrBytes(arch) + 4);

/** Clobber bits as the 2.6.29 layout declares them (Linux's CLBR_* order). */
export const CLOBBER_BITS: Record<Arch, string[]> = {
  x86_64: ['rax', 'rcx', 'rdx', 'rdi', 'rsi', 'r8', 'r9', 'r10', 'r11'],
  i386: ['eax', 'ecx', 'edx'],
};
export const ALL_CLOBBERS: Record<Arch, number> = { x86_64: 0x1ff, i386: 0x7 };

/** `call *pv_ops+W*slot`: ff 15 rel32 on x86_64, ff 15 abs32 on i386; 6 bytes either way. */
export const pvcall = (arch: Arch, slot: number) => (arch === 'x86_64' ? `call *pv_ops+${8 * slot}(%rip)` : `call *pv_ops+${4 * slot}`);

export interface SiteRecord {
  /** Label (or expression) of the site's address. */
  at: string;
  slot: number;
  /** Length: a number or an expression (default: `<at>_end - <at>`). */
  len?: number | string;
  clobbers?: number;
  /** Omit the trailing alignment padding (for the last entry). */
  noPad?: boolean;
  /** Emit only the pointer and the op byte: an entry cut in the middle. */
  cut?: boolean;
}

/** Assembler directives for one site table entry (the way examples/paravirt and Linux emit them). */
export function siteRecord(layout: Layout, arch: Arch, r: SiteRecord): string {
  const align = layout === 'rel32' ? 8 : ptrBytes(arch);
  const ptr = layout === 'rel32' ? `.long ${r.at} - .` : `${arch === 'x86_64' ? '.quad' : '.long'} ${r.at}`;
  const len = r.len ?? `${r.at}_end - ${r.at}`;
  const lines = ['.pushsection .pv_sites,"a"', `.balign ${align}`, ptr, `.byte ${r.slot}`];
  if (!r.cut) {
    lines.push(`.byte ${len}`);
    if (layout === 'linux2629') lines.push(`.short ${r.clobbers ?? ALL_CLOBBERS[arch]}`);
    if (!r.noPad) lines.push(`.balign ${align}`);
  }
  lines.push('.popsection');
  return lines.map((l) => `  ${l}`).join('\n');
}

/** The sitetable declaration of a layout, for both architectures. */
export function siteTableRules(layout: Layout, opts: { expect?: 'indirect-call' | 'any' } = {}): string {
  const expect = `  expect ${opts.expect ?? 'indirect-call'}`;
  if (layout === 'rel32') {
    return `sitetable pv_sites {\n  section ".pv_sites"\n  stride 8\n  site rel32 at 0\n  op u8 at 4\n  len u8 at 5\n  ops pv_ops\n${expect}\n}\n`;
  }
  return ARCHES.map((arch) => {
    const p = ptrBytes(arch);
    const clobbers = layout === 'linux2629' ? `  clobbers u16 at ${p + 2} { ${CLOBBER_BITS[arch].join(' ')} }\n` : '';
    return `sitetable pv_sites_${arch} {\n  arch ${arch}\n  section ".pv_sites"\n  stride ${2 * p}\n  site ptr at 0\n  op u8 at ${p}\n  len u8 at ${p + 1}\n${clobbers}  ops pv_ops\n${expect}\n}\n`;
  }).join('\n');
}

/** The exit sequence of a static program without libc: status in edi / ebx. */
export function exitWith(arch: Arch, reg: string): string {
  return arch === 'x86_64' ? `  mov ${reg}, %edi\n  mov $60, %eax\n  syscall` : `  mov ${reg}, %ebx\n  mov $1, %eax\n  int $0x80`;
}

// ---------------------------------------------------------------------------------------------------
// Building

export class Workdir {
  readonly dir: string;
  private readonly built = new Map<string, { out: string; key: string }>();

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `patchc-apply-${prefix}-`));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Assembles and links `source` once per name; returns the executable's path. */
  elf(name: string, arch: Arch, source: string, ldArgs: string[] = []): string {
    const key = `${arch}\0${source}\0${ldArgs.join(' ')}`;
    const done = this.built.get(name);
    if (done) {
      if (done.key !== key) throw new Error(`fixture ${name} built twice from different sources`);
      return done.out;
    }
    const s = this.path(`${name}.s`);
    const o = this.path(`${name}.o`);
    const out = this.path(name);
    writeFileSync(s, source);
    execFileSync('as', [arch === 'x86_64' ? '--64' : '--32', '-o', o, s], { stdio: 'pipe' });
    execFileSync('ld', ['-m', arch === 'x86_64' ? 'elf_x86_64' : 'elf_i386', '-static', '-o', out, o, ...ldArgs], { stdio: 'pipe' });
    this.built.set(name, { out, key });
    return out;
  }

  write(name: string, text: string | Uint8Array): string {
    writeFileSync(this.path(name), text);
    return this.path(name);
  }

  /** Fresh empty subdirectory (to check that a failed run leaves nothing behind). */
  subdir(name: string): string {
    const d = mkdtempSync(join(this.dir, `${name}-`));
    return d;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const listDir = (dir: string) => readdirSync(dir).sort();
export const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// ---------------------------------------------------------------------------------------------------
// Outside facts

/** Symbol addresses from `readelf -sW`. */
const symCache = new Map<string, Map<string, bigint>>();
export function symbolsOf(file: string): Map<string, bigint> {
  const key = fileKey(file);
  const done = symCache.get(key);
  if (done) return done;
  const out = execFileSync('readelf', ['-sW', file], { encoding: 'utf8' });
  const m = new Map<string, bigint>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 8 && /^\d+:$/.test(f[0]!) && f[3] !== 'SECTION' && f[3] !== 'FILE') m.set(f[7]!, BigInt(`0x${f[1]}`));
  }
  symCache.set(key, m);
  return m;
}

export interface SectionInfo {
  addr: bigint;
  offset: number;
  size: number;
}

/** Sections from `readelf -SW`. */
const secCache = new Map<string, Map<string, SectionInfo>>();
export function sectionsOf(file: string): Map<string, SectionInfo> {
  const key = fileKey(file);
  const done = secCache.get(key);
  if (done) return done;
  const out = execFileSync('readelf', ['-SW', file], { encoding: 'utf8' });
  const m = new Map<string, SectionInfo>();
  for (const line of out.split('\n')) {
    const x = /^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (x) m.set(x[1]!, { addr: BigInt(`0x${x[2]}`), offset: parseInt(x[3]!, 16), size: parseInt(x[4]!, 16) });
  }
  secCache.set(key, m);
  return m;
}

export interface DisasmLine {
  address: bigint;
  hex: string;
  text: string;
}

/** A file's identity for the caches below: outputs are written once, but a path could be reused. */
const fileKey = (file: string) => {
  const st = statSync(file);
  return `${file}\0${st.size}\0${st.mtimeMs}`;
};
const disasmCache = new Map<string, DisasmLine[]>();
const gasCache = new Map<string, string>();

/** `objdump -d` of [address, address + len) of a file (one objdump run per file, cached). */
export function objdump(file: string, address: bigint, len: number): DisasmLine[] {
  const key = fileKey(file);
  let all = disasmCache.get(key);
  if (!all) {
    const out = execFileSync('objdump', ['-d', '-w', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    all = [];
    for (const line of out.split('\n')) {
      const x = /^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$/.exec(line);
      if (x) all.push({ address: BigInt(`0x${x[1]}`), hex: x[2]!.replace(/ /g, ''), text: x[3]!.replace(/\s+/g, ' ').trim() });
    }
    disasmCache.set(key, all);
  }
  const end = address + BigInt(len);
  return all.filter((l) => l.address >= address && l.address < end);
}

/** The bytes GNU as produces for some instructions (hex; cached). */
export function gasHex(arch: Arch, asm: string, dir: string): string {
  const key = `${arch}\0${asm}`;
  const done = gasCache.get(key);
  if (done !== undefined) return done;
  const s = join(dir, 'gas-one.s');
  const o = join(dir, 'gas-one.o');
  const b = join(dir, 'gas-one.bin');
  writeFileSync(s, `.text\n${asm}\n`);
  execFileSync('as', [arch === 'x86_64' ? '--64' : '--32', '-o', o, s], { stdio: 'pipe' });
  execFileSync('objcopy', ['-O', 'binary', '--only-section=.text', o, b], { stdio: 'pipe' });
  const hex = readFileSync(b).toString('hex');
  gasCache.set(key, hex);
  return hex;
}

/** The bytes of a file at a virtual address (from the section table readelf shows). */
export function bytesAt(file: string, address: bigint, len: number, sections = sectionsOf(file)): string {
  for (const s of sections.values()) {
    if (address >= s.addr && address + BigInt(len) <= s.addr + BigInt(s.size) && s.addr !== 0n) {
      const off = s.offset + Number(address - s.addr);
      return readFileSync(file).subarray(off, off + len).toString('hex');
    }
  }
  throw new Error(`0x${address.toString(16)} is in no section of ${file}`);
}

export interface ProgramRun {
  status: number | null;
  signal: NodeJS.Signals | null;
}

export function runProgram(file: string, args: string[] = []): ProgramRun {
  const r = spawnSync(file, args, { timeout: 10_000 });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal };
}

// ---------------------------------------------------------------------------------------------------
// patchc, in process

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function patchc(...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

export interface ReportSite {
  address: string;
  origin: string;
  op: string | null;
  len: number;
  target: { address: string; symbol: string | null } | null;
  rule: string | null;
  outcome: 'patched' | 'already-applied' | 'refused';
  kind: string;
  reason: string | null;
  original: string;
  patched: string;
  before: string[];
  after: string[];
}

export interface Report {
  patchc_report: number;
  input: string;
  output: string | null;
  arch: string;
  summary: { sites: number; outcomes: Record<string, number>; kinds: Record<string, number> };
  sites: ReportSite[];
}

export const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;
export const unhex = (s: string) => s.replace(/\s+/g, '');

// ---------------------------------------------------------------------------------------------------
// The programs

/** Ops of the test programs, by slot. */
export const HAPPY_SLOTS = ['dbl', 'nop_hook', 'add3', 'missing_op', 'seven', 'special'] as const;

/**
 * A program that calls each op once through its slot and exits with the sum of the results, so that the
 * exit status tells which code ran at each site:
 *   dbl(5)     slot f_dbl = x+100      rule (op):            x*2          -> 105 | 10
 *   nop_hook() slot paravirt_nop       rule target paravirt_nop: {} (NOPs)
 *   add3(10)   slot f_add3 = x+3       rule default: call target         -> 13  | 13
 *   seven()    slot f_seven = 70       rule (op):            mov $7       -> 70  | 7
 *   special()  slot f_special = 20     rule target f_special: mov $2      -> 20  | 2
 *   missing_op slot NULL               rule missing: trap    (run only when argc > 1)
 * Original exit status 208, patched 32; with an argument, SIGSEGV (call *NULL) | SIGILL (ud2).
 */
export const HAPPY_STATUS = { original: 208, patched: 32 } as const;
export const HAPPY_SITES = ['s_dbl', 's_nop', 's_add3', 's_seven', 's_special', 's_missing'] as const;
const HAPPY_SITE_SLOT: Record<(typeof HAPPY_SITES)[number], number> = { s_dbl: 0, s_nop: 1, s_add3: 2, s_missing: 3, s_seven: 4, s_special: 5 };

export function happyProgram(arch: Arch, layout: Layout, opts: { lastNoPad?: boolean; withTable?: boolean } = {}): string {
  const x64 = arch === 'x86_64';
  const arg = x64 ? '%edi' : '%eax';
  const acc = x64 ? 'add %rax, %rbx' : 'add %eax, %ebx';
  const site = (label: string) => `${label}: ${pvcall(arch, HAPPY_SITE_SLOT[label as (typeof HAPPY_SITES)[number]])}\n${label}_end:`;
  const fns = x64
    ? ['paravirt_nop: ret', 'f_dbl: lea 100(%rdi), %rax; ret', 'f_add3: lea 3(%rdi), %rax; ret', 'f_seven: mov $70, %eax; ret', 'f_special: mov $20, %eax; ret']
    : ['paravirt_nop: ret', 'f_dbl: lea 100(%eax), %eax; ret', 'f_add3: add $3, %eax; ret', 'f_seven: mov $70, %eax; ret', 'f_special: mov $20, %eax; ret'];
  const records =
    opts.withTable === false
      ? ''
      : HAPPY_SITES.map((s, i) => siteRecord(layout, arch, { at: s, slot: HAPPY_SITE_SLOT[s], ...(opts.lastNoPad && i === HAPPY_SITES.length - 1 ? { noPad: true } : {}) })).join('\n');
  return `
  .text
  .globl _start
_start:
  xor %ebx, %ebx
  mov $5, ${arg}
${site('s_dbl')}
  ${acc}
${site('s_nop')}
  mov $10, ${arg}
${site('s_add3')}
  ${acc}
${site('s_seven')}
  ${acc}
${site('s_special')}
  ${acc}
  cmp${x64 ? 'q' : 'l'} $1, (%${x64 ? 'rsp' : 'esp'})
  je 1f
${site('s_missing')}
1:
${exitWith(arch, '%ebx')}
  .globl paravirt_nop, f_dbl, f_add3, f_seven, f_special
${fns.map((f) => `  .type ${f.split(':')[0]}, @function\n${f}`).join('\n')}
  .data
  .balign 8
  .globl pv_ops
pv_ops:
  ${x64 ? '.quad' : '.long'} f_dbl, paravirt_nop, f_add3, 0, f_seven, f_special
${records}
`;
}

export const OPS_DECLS = `
op dbl(ulong) -> ulong : opaque
op nop_hook() : nop
op add3(ulong) -> ulong : opaque
op missing_op(ulong) -> ulong : opaque
op seven() -> ulong : opaque
op special() -> ulong : opaque
`;

export function happyRules(layout: Layout | 'none'): string {
  return `ruleset test.apply.happy
syntax att
${OPS_DECLS}
arch x86_64 {
  dbl -> lea (%rdi,%rdi), %rax
  seven -> mov $7, %eax
  target paravirt_nop -> {}
  target f_special -> mov $2, %eax
  missing -> trap
  default -> call target
}

arch i386 {
  dbl -> add %eax, %eax
  seven -> mov $7, %eax
  target paravirt_nop -> {}
  target f_special -> mov $2, %eax
  missing -> trap
  default -> call target
}

opstable pv_ops {
  symbol pv_ops
  slots { ${HAPPY_SLOTS.join(' ')} }
}

${layout === 'none' ? '' : siteTableRules(layout)}`;
}

/** Ops of the refusal program, by slot. */
export const REFUSE_SLOTS = ['dbl', 'other', 'big', 'clob', 'far', 'unk', 'norule', 'nullop'] as const;
/** Where the far function is linked: more than 2 GiB from .text on x86_64; near the top on i386. */
export const FAR_ADDRESS: Record<Arch, string> = { x86_64: '0x200000000', i386: '0xf0000000' };

export interface RefusalSite {
  label: string;
  /** The code at the site (default: a call through the slot). */
  code?: string;
  slot: number;
  len?: number;
  clobbers?: number;
}

export function refusalSites(arch: Arch): RefusalSite[] {
  const c = (slot: number) => pvcall(arch, slot);
  return [
    { label: 'r_good', slot: 0 }, // patched: something must be written
    { label: 'r_notcall', slot: 0, code: `mov $1, %eax\n  nop` }, // 5 + 1 bytes, no call
    { label: 'r_wrongslot', slot: 0, code: c(1) }, // calls through slot 1, recorded as slot 0
    { label: 'r_regcall', slot: 0, code: arch === 'x86_64' ? 'call *(%rax)' : 'call *(%eax)' }, // through a register
    { label: 'r_short', slot: 0, code: `${c(0)}\n  nop`, len: 7 }, // the call is 6 bytes, the entry says 7
    { label: 'r_long', slot: 0, len: 5 }, // the call is 6 bytes, the entry says 5
    { label: 'r_big', slot: 2 }, // the replacement is 10 bytes
    { label: 'r_clob', slot: 3, clobbers: 1 }, // the replacement writes (e|r)cx; the mask allows only (e|r)ax
    { label: 'r_far', slot: 4 }, // call target, target far away
    { label: 'r_unk', slot: 5 }, // call no_such_function
    { label: 'r_norule', slot: 6 }, // default only
    { label: 'r_null', slot: 7 }, // NULL slot, default call target, no missing rule
  ];
}

/** A program whose sites each fail one check (2.6.29 layout, with clobber masks). Never run. */
export function refusalProgram(arch: Arch, opts: { extraRecords?: string; replaceRecords?: string } = {}): string {
  const x64 = arch === 'x86_64';
  const sites = refusalSites(arch);
  const code = sites.map((s) => `${s.label}: ${s.code ?? pvcall(arch, s.slot)}\n${s.label}_end:\n  nop`).join('\n');
  const records =
    opts.replaceRecords ??
    sites.map((s) => siteRecord('linux2629', arch, { at: s.label, slot: s.slot, ...(s.len !== undefined ? { len: s.len } : {}), ...(s.clobbers !== undefined ? { clobbers: s.clobbers } : {}) })).join('\n');
  const fns = ['f_dbl', 'f_other', 'f_big', 'f_clob', 'f_unk', 'f_norule'];
  return `
  .text
  .globl _start
_start:
${code}
${exitWith(arch, '%eax')}
${fns.map((f) => `  .globl ${f}\n  .type ${f}, @function\n${f}: ret`).join('\n')}
  .section .fartext,"ax"
  .globl f_far
  .type f_far, @function
f_far: ${x64 ? 'lea 1(%rdi), %rax' : 'add $1, %eax'}
  ret
  .data
  .balign 8
  .globl pv_ops
pv_ops:
  ${x64 ? '.quad' : '.long'} f_dbl, f_other, f_big, f_clob, f_far, f_unk, f_norule, 0
data_label: .long 0
${records}
${opts.extraRecords ?? ''}
`;
}

export const refusalLd = (arch: Arch) => [`--section-start=.fartext=${FAR_ADDRESS[arch]}`];

export function refusalRules(opts: { noDefault?: boolean; layout?: Layout } = {}): string {
  return `ruleset test.apply.refusals
syntax att
op dbl(ulong) -> ulong : opaque
op other() : opaque
op big() -> ulong : opaque
op clob() : opaque
op far(ulong) -> ulong : opaque
op unk() : opaque
op norule() : opaque
op nullop() : opaque

arch x86_64 {
  dbl -> lea (%rdi,%rdi), %rax
  big -> movabs $0x1122334455667788, %rax
  clob -> xor %ecx, %ecx
  unk -> call no_such_function
${opts.noDefault ? '' : '  default -> call target'}
}

arch i386 {
  dbl -> add %eax, %eax
  big -> mov $1, %eax; mov $2, %edx
  clob -> xor %ecx, %ecx
  unk -> call no_such_function
${opts.noDefault ? '' : '  default -> call target'}
}

opstable pv_ops {
  symbol pv_ops
  slots { ${REFUSE_SLOTS.join(' ')} }
}

${siteTableRules(opts.layout ?? 'linux2629')}`;
}
