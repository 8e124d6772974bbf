// Reading an ALTERNATIVE table whose entry layout a rule set's `alttable` describes, and refusing a kernel
// whose table does not have that layout: a stride that does not divide the section, or entries that make no
// sense under it (code outside executable sections, replacements outside their section, a feature beyond the
// kernel's words, flag bits the layout does not name, a replacement longer than the code it replaces).
import { InputError } from '../diag/diagnostic.js';
import { findSection, isExecutable, lookupVaddr, sectionAtVaddr, sectionData, type ElfFile, type SectionHeader } from '../binary/index.js';
import type { AltField, AltTableDef } from '../model/altTable.js';
import type { AltEntry } from '../apply/altLoop.js';
import type { AltInstrLayout } from './layout.js';

/** 6.1's insn_buff is MAX_PATCH_LEN (255-1) bytes and BUG_ON(instrlen > sizeof(insn_buff)). */
const MAX_INSTRLEN = 254;
/** How many implausible entries a refusal lists. */
const LISTED = 5;

export interface AltTableRead {
  def: AltTableDef;
  entries: AltEntry[];
  /** File offset of the table, for messages. */
  fileOffset: number;
}

const readField = (dv: DataView, at: number, f: AltField): number => (f.width === 1 ? dv.getUint8(at + f.offset) : f.width === 2 ? dv.getUint16(at + f.offset, true) : dv.getUint32(at + f.offset, true));

/**
 * Every entry, in table order. `featureBits` is the number of feature bits of the kernel version
 * ((NCAPINTS + NBUGINTS) * 32): a larger feature number is one of the implausibilities.
 */
export function readAltTable(elf: ElfFile, def: AltTableDef, featureBits: number): AltTableRead {
  const sec = findSection(elf, def.section);
  if (!sec) throw new InputError(`${elf.fileName}: no section '${def.section}' (alttable ${def.name})`);
  const data = sectionData(elf, sec);
  const rest = data.length % def.stride;
  if (rest !== 0) {
    throw new InputError(`${def.section}: ${data.length} bytes is not a whole number of ${def.stride}-byte entries: this kernel's ALTERNATIVE table has another layout than alttable ${def.name} (${def.span.file}:${def.span.start.line})`, { file: elf.fileName, offset: sec.offset });
  }
  const repl = findSection(elf, def.replacements);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const addrBits = elf.header.class === 64 ? 64 : 32;
  const address = (at: number, f: AltTableDef['instr']): bigint =>
    f.kind === 'rel32'
      ? BigInt.asUintN(addrBits, sec.addr + BigInt(at + f.offset) + BigInt(dv.getInt32(at + f.offset, true)))
      : addrBits === 64 ? dv.getBigUint64(at + f.offset, true) : BigInt(dv.getUint32(at + f.offset, true));
  const flagMask = def.flags ? def.flags.bits.reduce((m, b) => m | (1 << b.bit), 0) >>> 0 : 0;
  const entries: AltEntry[] = [];
  const bad: string[] = [];
  const count = data.length / def.stride;
  for (let i = 0; i < count; i++) {
    const at = i * def.stride;
    const instrAddr = address(at, def.instr);
    const replAddr = address(at, def.repl);
    const word = readField(dv, at, def.feature);
    const feature = word & def.feature.mask;
    const flagWord = def.flags ? readField(dv, at, def.flags) : 0;
    const instrlen = readField(dv, at, def.instrlen);
    const replacementlen = readField(dv, at, def.replacementlen);
    const why = implausible(elf, { instrAddr, replAddr, feature, instrlen, replacementlen }, repl, featureBits);
    // Bits of the feature word that are neither feature nor a named flag, and unnamed flag bits.
    const sameWord = def.flags !== undefined && def.flags.offset === def.feature.offset && def.flags.width === def.feature.width;
    const stray = (sameWord ? word & ~(def.feature.mask | flagMask) : (word & ~def.feature.mask) | (flagWord & ~flagMask)) >>> 0;
    const reason = why ?? (stray ? `bits 0x${stray.toString(16)} set that the layout does not name` : undefined);
    if (reason !== undefined) {
      bad.push(`entry ${i} (file offset 0x${(sec.offset + at).toString(16)}): ${reason}`);
      continue;
    }
    const flags = def.flags ? def.flags.bits.filter((b) => (flagWord >>> b.bit) & 1).map((b) => b.name) : [];
    entries.push({ index: i, instrAddr, replAddr, instrlen, replacementlen, feature, not: flags.includes('not'), flags });
  }
  if (bad.length) {
    throw new InputError(`${def.section}: ${bad.length} of ${count} entries are implausible as alttable ${def.name} (${def.stride}-byte entries, ${def.span.file}:${def.span.start.line}), so this kernel's table has another layout; refused. ${bad.slice(0, LISTED).join('; ')}${bad.length > LISTED ? `; and ${bad.length - LISTED} more` : ''}`, { file: elf.fileName, offset: sec.offset });
  }
  return { def, entries, fileOffset: sec.offset };
}

function implausible(elf: ElfFile, e: { instrAddr: bigint; replAddr: bigint; feature: number; instrlen: number; replacementlen: number }, repl: SectionHeader | undefined, featureBits: number): string | undefined {
  const hex = (a: bigint) => `0x${a.toString(16)}`;
  if (e.feature >= featureBits) return `feature ${e.feature} is beyond the kernel's ${featureBits} feature bits`;
  if (e.instrlen > MAX_INSTRLEN) return `instrlen ${e.instrlen} exceeds ${MAX_INSTRLEN}`;
  if (e.replacementlen > e.instrlen) return `replacement (${e.replacementlen} bytes) longer than the code it replaces (${e.instrlen})`;
  if (!isExecutable(elf, e.instrAddr) || !lookupVaddr(elf, e.instrAddr, Math.max(1, e.instrlen)).ok) return `code at ${hex(e.instrAddr)} (+${e.instrlen}) is not in an executable section`;
  if (e.instrlen > 0 && sectionAtVaddr(elf, e.instrAddr) !== sectionAtVaddr(elf, e.instrAddr + BigInt(e.instrlen - 1))) return `code at ${hex(e.instrAddr)} (+${e.instrlen}) crosses a section end`;
  if (e.replacementlen > 0) {
    const inRepl = repl !== undefined && e.replAddr >= repl.addr && e.replAddr + BigInt(e.replacementlen) <= repl.addr + repl.size;
    if (!inRepl) return `replacement at ${hex(e.replAddr)} (+${e.replacementlen}) is not in ${repl ? repl.name : 'the replacement section (absent)'}`;
    if (!lookupVaddr(elf, e.replAddr, e.replacementlen).ok) return `replacement at ${hex(e.replAddr)} has no bytes in the file`;
  }
  return undefined;
}

/**
 * The cross-check's AltInstrLayout from a rule set's alttable (rel32 addresses; the NOT flag in the feature's own
 * word, as in 6.1, or in the half-word after it, as 6.12's ft_flags): undefined when it cannot be put that way.
 */
export function layoutFromAltTable(def: AltTableDef): AltInstrLayout | undefined {
  if (def.instr.kind !== 'rel32' || def.repl.kind !== 'rel32' || def.instrlen.width === 4 || def.replacementlen.width === 4) return undefined;
  const not = def.flags?.bits.find((b) => b.name === 'not');
  let word: AltInstrLayout['word'] = { offset: def.feature.offset, width: def.feature.width as 1 | 2 | 4 };
  let notSetMask = 0;
  if (def.flags && not) {
    if (def.flags.offset === def.feature.offset && def.flags.width === def.feature.width) notSetMask = 1 << not.bit;
    else if (def.flags.offset === def.feature.offset + def.feature.width && def.feature.width + def.flags.width === 4) {
      word = { offset: def.feature.offset, width: 4 };
      notSetMask = 2 ** (def.feature.width * 8 + not.bit);
    } else return undefined;
  }
  return {
    name: `alttable ${def.name}`,
    source: `${def.span.file}:${def.span.start.line}`,
    section: def.section,
    replacementSection: def.replacements,
    stride: def.stride,
    instr: { offset: def.instr.offset },
    repl: { offset: def.repl.offset },
    word,
    featureMask: def.feature.mask,
    notSetMask,
    instrlen: { offset: def.instrlen.offset, width: def.instrlen.width as 1 | 2 },
    replacementlen: { offset: def.replacementlen.offset, width: def.replacementlen.width as 1 | 2 },
  };
}
