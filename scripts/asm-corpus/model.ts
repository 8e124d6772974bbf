// A tiny instruction model that renders the same instruction in Intel and AT&T syntax, so that every
// corpus line exists in all three spellings (Intel, AT&T, AT&T without '%') and means the same thing.

export type MemSize = 'byte' | 'word' | 'dword' | 'qword' | 'tbyte' | 'fword' | 'xmmword' | 'ymmword';
export type Bits = 32 | 64;

export interface RegOp {
  k: 'reg';
  r: string;
}
export interface ImmOp {
  k: 'imm';
  v: bigint;
  /** Decimal instead of hex, for some variety in how numbers are written. */
  dec?: boolean;
}
export interface MemOp {
  k: 'mem';
  size?: MemSize;
  seg?: string;
  base?: string;
  index?: string;
  scale?: 1 | 2 | 4 | 8;
  disp?: bigint;
}
export interface LabelOp {
  k: 'label';
  name: string;
}
export type Op = RegOp | ImmOp | MemOp | LabelOp;

export interface Insn {
  /** Intel mnemonic; AT&T uses it too unless `att` is given. */
  mn: string;
  /** Operands in Intel order. */
  ops: Op[];
  /** AT&T mnemonic (with size suffix, or a different name such as movzbl / cltq). */
  att?: string;
  /** AT&T '*' before the (single) operand of an indirect jmp/call. */
  indirect?: boolean;
  /** Prefix text written identically in both syntaxes (lock, rep, {disp8}, ...). */
  prefix?: string;
  /** Operand order is the same in both syntaxes (enter, two-immediate forms). */
  keepOrder?: boolean;
}

/** An instruction whose spellings are written by hand. */
export interface RawInsn {
  intel: string;
  att: string;
}

export type Item = Insn | RawInsn;

export const reg = (r: string): RegOp => ({ k: 'reg', r });
export const imm = (v: bigint | number, dec = false): ImmOp => ({ k: 'imm', v: BigInt(v), dec });
export const mem = (m: Omit<MemOp, 'k'>): MemOp => ({ k: 'mem', ...m });
export const label = (name: string): LabelOp => ({ k: 'label', name });
export const raw = (intel: string, att: string = intel): RawInsn => ({ intel, att });
export const I = (mn: string, ops: Op[], extra: Partial<Insn> = {}): Insn => ({ mn, ops, ...extra });

function num(v: bigint, dec: boolean | undefined): string {
  if (dec) return v.toString(10);
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function attMem(m: MemOp): string {
  const seg = m.seg ? `%${m.seg}:` : '';
  const disp = m.disp !== undefined ? num(m.disp, false) : '';
  if (!m.base && !m.index) return `${seg}${disp === '' ? '0x0' : disp}`;
  const inner = `${m.base ? `%${m.base}` : ''}${m.index ? `,%${m.index}${m.scale ? `,${m.scale}` : ''}` : ''}`;
  return `${seg}${disp}(${inner})`;
}

function intelMem(m: MemOp): string {
  const size = m.size ? `${m.size.toUpperCase()} PTR ` : '';
  const seg = m.seg ? `${m.seg}:` : '';
  const parts: string[] = [];
  if (m.base) parts.push(m.base);
  if (m.index) parts.push(m.scale ? `${m.index}*${m.scale}` : m.index);
  let inner = parts.join('+');
  if (m.disp !== undefined) {
    if (inner === '') inner = num(m.disp, false);
    else inner += m.disp < 0n ? `-${num(-m.disp, false)}` : `+${num(m.disp, false)}`;
  }
  if (inner === '') inner = '0x0';
  return `${size}${seg}[${inner}]`;
}

function attOp(o: Op): string {
  switch (o.k) {
    case 'reg':
      return `%${o.r}`;
    case 'imm':
      return `$${num(o.v, o.dec)}`;
    case 'mem':
      return attMem(o);
    case 'label':
      return o.name;
  }
}

function intelOp(o: Op): string {
  switch (o.k) {
    case 'reg':
      return o.r;
    case 'imm':
      return num(o.v, o.dec);
    case 'mem':
      return intelMem(o);
    case 'label':
      return o.name;
  }
}

const isRaw = (x: Item): x is RawInsn => 'intel' in x;

export function renderAtt(x: Item): string {
  if (isRaw(x)) return x.att;
  const ops = x.keepOrder ? x.ops : [...x.ops].reverse();
  const text = ops.map(attOp).join(',');
  const star = x.indirect ? '*' : '';
  const body = `${x.att ?? x.mn}${text === '' ? '' : ` ${star}${text}`}`;
  return x.prefix ? `${x.prefix} ${body}` : body;
}

export function renderIntel(x: Item): string {
  if (isRaw(x)) return x.intel;
  const text = x.ops.map(intelOp).join(', ');
  const body = `${x.mn}${text === '' ? '' : ` ${text}`}`;
  return x.prefix ? `${x.prefix} ${body}` : body;
}

/** GNU's `.att_syntax noprefix`: registers lose their '%'. Registers are the only '%' in our AT&T text. */
export function renderAttNoPrefix(x: Item): string {
  return renderAtt(x).replaceAll('%', '');
}

// ---- registers ----------------------------------------------------------------------------------

export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
export const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
export const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
export const GPR8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
export const GPR8_HIGH = ['ah', 'ch', 'dh', 'bh'];

export type Width = 8 | 16 | 32 | 64;
export const SUFFIX: Record<Width, string> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };
export const MEMSIZE: Record<Width, MemSize> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword' };

/** The general registers of one width that exist in the given mode (legacy byte regs included). */
export function gprs(w: Width, bits: Bits): string[] {
  if (w === 64) return bits === 64 ? GPR64 : [];
  const all = w === 32 ? GPR32 : w === 16 ? GPR16 : GPR8;
  // ah..bh cannot be mixed with REX registers, so 64-bit lists leave them out (they get their own lines).
  if (bits === 64) return all;
  return w === 8 ? [...all.slice(0, 4), ...GPR8_HIGH] : all.slice(0, 8);
}

export function widths(bits: Bits): Width[] {
  return bits === 64 ? [8, 16, 32, 64] : [8, 16, 32];
}

/** Address-size registers used as base/index in this mode. */
export function addrRegs(bits: Bits): string[] {
  return bits === 64 ? GPR64 : GPR32.slice(0, 8);
}

/** A handful of representative memory operands (no size) for a mode. */
export function sampleMems(bits: Bits): MemOp[] {
  const a = bits === 64 ? 'r' : 'e';
  const list: MemOp[] = [
    mem({ base: `${a}ax` }),
    mem({ base: `${a}bp`, disp: -8n }),
    mem({ base: `${a}sp`, disp: 0x10n }),
    mem({ base: `${a}bx`, index: `${a}si`, scale: 4, disp: 0x1234n }),
    mem({ disp: 0x1000n }),
  ];
  if (bits === 64) list.push(mem({ base: 'r12', index: 'r13', scale: 8, disp: -0x80n }), mem({ base: 'rip', disp: 0x100n }));
  return list;
}

export const sized = (m: MemOp, size: MemSize): MemOp => ({ ...m, size });

// ---- immediates -----------------------------------------------------------------------------------

/** Values that fit the immediate of an instruction of width w (GNU takes signed or unsigned spellings). */
export function immEdges(w: Width): bigint[] {
  const base = [0n, 1n, 0x7fn, 0x80n, -128n, 0xffn, -1n];
  if (w === 8) return base;
  const w16 = [...base, -129n, 0x100n, 0x7fffn, 0x8000n, 0xffffn, -32768n];
  if (w === 16) return w16;
  const w32 = [...w16, -32769n, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -0x80000000n, 0x12345678n];
  if (w === 32) return w32;
  // 64-bit ALU immediates are sign-extended 32-bit values.
  return [...base, -129n, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, -0x80000000n, 0x12345678n, -0x12345678n];
}

/** Values that do not fit the immediate of width w (GNU errors, warns, or silently wraps). */
export function immTooWide(w: Width): bigint[] {
  if (w === 8) return [0x100n, 0x1ffn, -129n, 0xffffn, -0x8000n];
  if (w === 16) return [0x10000n, -32769n, 0x1ffffn, 0xffffffffn];
  if (w === 32) return [0x100000000n, -0x80000001n, 0x1ffffffffn];
  return [0x80000000n, 0xffffffffn, -0x80000001n, 0x123456789n];
}

export const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
export const CC_ALIASES = ['c', 'nc', 'nae', 'nb', 'z', 'nz', 'na', 'nbe', 'pe', 'po', 'nge', 'nl', 'ng', 'nle'];
