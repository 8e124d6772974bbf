// Writes a System.map for a kernel image that comes without a real one (Debian's linux-image packages ship a
// one-line placeholder): the image's own kallsyms (+ the __ksymtab exports kallsyms lacks), plus the linker
// symbols a kernel without CONFIG_KALLSYMS_ALL does not list but the section headers of its vmlinux give
// (__alt_instructions = .altinstructions, ..._end = its end; the same for .parainstructions). For the boot
// scripts, which only need addresses to place breakpoints and dump ranges; the truth is the booted memory.
//   npx tsx scripts/kernel/system-map-from-image.ts VMLINUZ OUT
import { writeFileSync } from 'node:fs';
import { findSection, loadKernelOrElf, loadSymbols } from '../../src/binary/index.js';

const [vmlinuz, out] = process.argv.slice(2);
if (!vmlinuz || !out) {
  console.error('usage: system-map-from-image.ts VMLINUZ OUT');
  process.exit(2);
}
const { elf } = await loadKernelOrElf(vmlinuz);
const symbols = await loadSymbols(elf, {});
if (!symbols) {
  console.error(`${vmlinuz}: no kallsyms tables and no symbol table`);
  process.exit(1);
}
const rows = symbols.symbols.map((s) => ({ addr: s.address, kind: s.kind, name: s.name }));
const have = new Set(rows.map((r) => r.name));
for (const [start, section] of [['__alt_instructions', '.altinstructions'], ['__parainstructions', '.parainstructions']] as const) {
  const sec = findSection(elf, section);
  if (!sec || have.has(start)) continue;
  rows.push({ addr: sec.addr, kind: 'D', name: start }, { addr: sec.addr + sec.size, kind: 'D', name: `${start}_end` });
}
rows.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
const width = elf.header.class === 64 ? 16 : 8;
writeFileSync(out, rows.map((r) => `${r.addr.toString(16).padStart(width, '0')} ${r.kind} ${r.name}\n`).join(''));
console.log(`${out}: ${rows.length} symbols (${symbols.source})`);
