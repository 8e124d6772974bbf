// site-report.ts — what the booted kernel did at every .parainstructions site.
//
//   npx tsx scripts/kernel/site-report.ts [--dump DIR] [--data-dir DIR] [--md FILE] [--json FILE]
//
// Reads the dump made by scripts/kernel/dump-booted-text.sh (text.bin, inittext.bin, parainstructions.bin,
// booted-text.json in --dump, default /tmp/patchc-booted-text), extracts the vmlinux ELF from the bzImage in
// --data-dir (default <repo>/../shared/linux/6.1.0-56-cloud-amd64; the 686 kernel's works too), and for each paravirt patch site records
// address, type (pv_ops slot), len, the ELF's bytes, the booted bytes, their disassembly (iced-x86, GAS syntax)
// and a classification; also the .altinstructions entries that cover the site.
// Writes a Markdown summary (--md, default scripts/kernel/booted-sites-<release>.md) and per-site JSON
// (--json, default /tmp/patchc-booted-sites-<release>.json).
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve, basename, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import iced from 'iced-x86';
import {
  extractVmlinux, parseSections, sectionByName, elfBytesAt, elfPointerSize, parseSystemMap, readSystemMapText, sym, symbolize,
  parseSlots, parseParaSites, parseAltInstructions, featureName, hex, patchRanges, patchCauseMap,
  type SystemMap, type AltInstr,
} from './kernel-image.js';

const { Decoder, DecoderOptions, Formatter, FormatterSyntax, FlowControl, Mnemonic, Code } = iced;

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const defaultDataDir = join(repo, '../shared/linux/6.1.0-56-cloud-amd64');
const dataDir = resolve(arg('--data-dir', defaultDataDir));
const dumpDir = resolve(arg('--dump', '/tmp/patchc-booted-text'));
const release = basename(dataDir).replace(/-cloud-amd64$/, '').replace(/^.*?(\d)/, '$1');
const mdPath = resolve(arg('--md', join(here, `booted-sites-${release}.md`)));
const jsonPath = resolve(arg('--json', `/tmp/patchc-booted-sites-${release}.json`));

const files = readdirSync(dataDir);
const vmlinuzName = files.find((f) => f.startsWith('vmlinuz-'));
const mapName = files.find((f) => f.startsWith('System.map-'));
if (!vmlinuzName || !mapName) throw new Error(`no vmlinuz-* / System.map-* in ${dataDir}`);

// ---- inputs ----------------------------------------------------------------------------------------
const meta = JSON.parse(readFileSync(join(dumpDir, 'booted-text.json'), 'utf8'));
if (!meta.ok) throw new Error(`dump in ${dumpDir} is not ok: ${meta.failures}`);
const elf = extractVmlinux(readFileSync(join(dataDir, vmlinuzName)));
const sections = parseSections(elf);
const map: SystemMap = parseSystemMap(readSystemMapText(join(dataDir, mapName)));
// x86_64 or i386: pointer size (site entries, pv_ops slots), decoder mode, where kernel addresses start
const ptr = elfPointerSize(elf);
const bits = ptr === 8 ? 64 : 32;
const kernelBase = ptr === 8 ? 0xffffffff80000000n : 0xc0000000n;
const readPtr = (b: Uint8Array, at: number): bigint => {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return ptr === 8 ? dv.getBigUint64(at, true) : BigInt(dv.getUint32(at, true));
};
// The kernel's own NOPs (x86_nops[1..8]): 32-bit ones are `lea`/`mov` forms a decoder does not call NOP.
const kernelNops = new Set<string>();
for (let n = 1; n <= 8; n++) {
  const at = readPtr(elfBytesAt(elf, sections, sym(map, 'x86_nops') + BigInt(n * ptr), ptr), 0);
  kernelNops.add(hex(elfBytesAt(elf, sections, at, n)));
}
const slots = parseSlots(readFileSync(join(dataDir, 'pv_ops-slots.tsv'), 'utf8'));
const slotName = (t: number) => slots.find((s) => s.index === t)?.name ?? `type${t}`;

interface Region { name: string; start: bigint; bytes: Uint8Array }
const regions: Region[] = [
  { name: 'text', start: sym(map, '_text'), bytes: readFileSync(join(dumpDir, 'text.bin')) },
  { name: 'init.text', start: sym(map, '_sinittext'), bytes: readFileSync(join(dumpDir, 'inittext.bin')) },
];
function bootedAt(addr: bigint, len: number): { region: string; bytes: Uint8Array } {
  for (const r of regions) {
    if (addr >= r.start && addr + BigInt(len) <= r.start + BigInt(r.bytes.length)) {
      const o = Number(addr - r.start);
      return { region: r.name, bytes: r.bytes.subarray(o, o + len) };
    }
  }
  throw new Error(`0x${addr.toString(16)} not in a dumped region`);
}

const paraSec = sectionByName(sections, '.parainstructions');
const paraElf = elf.subarray(paraSec.offset, paraSec.offset + paraSec.size);
const paraBooted = readFileSync(join(dumpDir, 'parainstructions.bin'));
const paraTableSame = Buffer.compare(Buffer.from(paraElf), paraBooted) === 0;
const sites = parseParaSites(paraElf, ptr);

// pv_ops as the guest had it at panic time vs. its link-time contents in .data
const pvOpsAddr = sym(map, 'pv_ops');
const pvOpsBooted = existsSync(join(dumpDir, 'pv_ops.bin')) ? readFileSync(join(dumpDir, 'pv_ops.bin')) : undefined;
const pvOpsElf = elfBytesAt(elf, sections, pvOpsAddr, slots.length * ptr);
const pvOpsValue = (bytes: Uint8Array | undefined, t: number): bigint | undefined =>
  bytes && bytes.length >= (t + 1) * ptr ? readPtr(bytes, t * ptr) : undefined;
const pvOpsSame = pvOpsBooted ? Buffer.compare(Buffer.from(pvOpsElf), pvOpsBooted) === 0 : undefined;

const altSec = sectionByName(sections, '.altinstructions');
const alts = parseAltInstructions(elf.subarray(altSec.offset, altSec.offset + altSec.size), altSec.addr);
const altsSorted = [...alts].sort((a, b) => (a.instr < b.instr ? -1 : a.instr > b.instr ? 1 : 0));
function altsCovering(addr: bigint, len: number): AltInstr[] {
  const end = addr + BigInt(len);
  // binary search for first alt with instr >= addr - 255, then scan
  let lo = 0, hi = altsSorted.length;
  const from = addr - 256n;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (altsSorted[mid]!.instr < from) lo = mid + 1; else hi = mid; }
  const out: AltInstr[] = [];
  for (let i = lo; i < altsSorted.length && altsSorted[i]!.instr < end; i++) {
    const a = altsSorted[i]!;
    if (a.instr + BigInt(a.instrlen) > addr) out.push(a);
  }
  return out;
}

// ---- disassembly -------------------------------------------------------------------------------------
const pvOps = pvOpsAddr;
const formatter = new Formatter(FormatterSyntax.Gas);
formatter.spaceAfterOperandSeparator = true;
formatter.branchLeadingZeros = false;
formatter.hexPrefix = '0x';
formatter.hexSuffix = '';
formatter.uppercaseHex = false;

interface Insn { bytes: string; text: string; nop: boolean; target?: string; kind: 'call' | 'jmp' | 'other' }

function describeTarget(a: bigint): string {
  if (a >= pvOps && a < pvOps + BigInt(slots.length * ptr)) {
    const off = Number(a - pvOps);
    return off % ptr === 0 ? `pv_ops[${off / ptr}] (${slotName(off / ptr)})` : `pv_ops+${off}`;
  }
  return symbolize(map, a) ?? `0x${a.toString(16)}`;
}

function disasm(bytes: Uint8Array, ip: bigint): { insns: Insn[]; straddles: boolean } {
  const dec = new Decoder(bits, bytes, DecoderOptions.None);
  dec.ip = ip;
  const insns: Insn[] = [];
  let straddles = false;
  let pos = 0;
  while (dec.canDecode) {
    const ins = dec.decode();
    const len = ins.length;
    if (ins.code === Code.INVALID) { straddles = true; break; }
    let text = formatter.format(ins);
    let target: string | undefined;
    let kind: Insn['kind'] = 'other';
    const fc = ins.flowControl;
    if (fc === FlowControl.Call || fc === FlowControl.UnconditionalBranch || fc === FlowControl.ConditionalBranch) {
      target = describeTarget(ins.nearBranchTarget);
      kind = fc === FlowControl.Call ? 'call' : 'jmp';
      text = text.replace(/0x[0-9a-f]+$/, target);
    } else if (fc === FlowControl.IndirectCall || fc === FlowControl.IndirectBranch || /\(%rip\)|\*0x/.test(text)) {
      // memory operand: absolute or rip-relative
      const mem = ins.isIpRelMemoryOperand ? ins.ipRelMemoryAddress : ins.memoryDisplacement;
      if (mem >= kernelBase) {
        target = describeTarget(mem);
        text += `  # ${target}`;
      }
      if (fc === FlowControl.IndirectCall) kind = 'call';
    }
    const insnBytes = hex(bytes.subarray(pos, pos + len));
    insns.push({ bytes: insnBytes, text, nop: ins.mnemonic === Mnemonic.Nop || kernelNops.has(insnBytes), target, kind });
    ins.free();
    pos += len;
  }
  dec.free();
  return { insns, straddles };
}

/** Disassembly with NOPs dropped, as one line: the "meaning" of a patched site. */
const meaning = (insns: Insn[]) => insns.filter((i) => !i.nop).map((i) => i.text).join('; ') || '(nops)';

// ---- per-site records ---------------------------------------------------------------------------------
type Klass = 'unchanged' | 'nops' | 'direct-call' | 'native' | 'other';

interface SiteRecord {
  index: number;
  addr: string;
  symbol: string | undefined;
  region: string;
  type: number;
  slot: string;
  len: number;
  extra: number;
  orig: string;
  origAsm: string[];
  origCallsSlot: boolean | null;
  booted: string;
  bootedAsm: string[];
  bootedMeaning: string;
  class: Klass;
  callTarget?: string;
  /** pv_ops[type] in the booted guest (symbol), and whether the booted bytes are what apply_paravirt alone would give */
  pvOpsAtBoot: string | undefined;
  consistentWithPvOps: boolean | null;
  straddles: boolean;
  alternatives: { feature: string; not: boolean; instr: string; instrlen: number; repl: string; replAsm: string; bootedMatchesRepl: boolean }[];
}

const records: SiteRecord[] = [];
for (const s of sites) {
  const orig = elfBytesAt(elf, sections, s.instr, s.len);
  const { region, bytes: booted } = bootedAt(s.instr, s.len);
  const o = disasm(orig, s.instr);
  const b = disasm(booted, s.instr);
  const nonNop = b.insns.filter((i) => !i.nop);
  let klass: Klass;
  let callTarget: string | undefined;
  if (Buffer.compare(Buffer.from(orig), Buffer.from(booted)) === 0) klass = 'unchanged';
  else if (nonNop.length === 0 && !b.straddles) klass = 'nops';
  else if (nonNop.length === 1 && nonNop[0]!.kind === 'call' && nonNop[0]!.bytes.startsWith('e8') && b.insns[0] === nonNop[0]) {
    klass = 'direct-call';
    callTarget = nonNop[0]!.target;
  } else if (!b.straddles) klass = 'native';
  else klass = 'other';
  const origCall = o.insns.find((i) => i.kind === 'call');
  const expectSlot = `pv_ops[${s.type}] (${slotName(s.type)})`;
  const altsHere = altsCovering(s.instr, s.len).map((a) => {
    const repl = elfBytesAt(elf, sections, a.repl, a.replacementlen);
    const r = disasm(repl, a.repl);
    const bootedFull = bootedAt(a.instr, a.instrlen).bytes;
    const bm = meaning(disasm(bootedFull, a.instr).insns);
    return {
      feature: featureName(a.feature),
      not: a.not,
      instr: '0x' + a.instr.toString(16),
      instrlen: a.instrlen,
      repl: hex(repl),
      replAsm: meaning(r.insns),
      bootedMatchesRepl: bm === meaning(r.insns),
    };
  });
  const pvVal = pvOpsValue(pvOpsBooted ?? pvOpsElf, s.type);
  const pvSym = pvVal === undefined ? undefined : pvVal === 0n ? 'NULL' : describeTarget(pvVal);
  let consistent: boolean | null = null;
  if (altsHere.length === 0 && pvSym !== undefined) {
    consistent = klass === 'direct-call' ? callTarget === pvSym : klass === 'nops' ? pvSym === '_paravirt_nop' : false;
  }
  records.push({
    index: s.index,
    addr: '0x' + s.instr.toString(16),
    symbol: symbolize(map, s.instr),
    region,
    type: s.type,
    slot: slotName(s.type),
    len: s.len,
    extra: s.extra,
    orig: hex(orig),
    origAsm: o.insns.map((i) => i.text),
    origCallsSlot: origCall ? origCall.target === expectSlot : null,
    booted: hex(booted),
    bootedAsm: b.insns.map((i) => i.text),
    bootedMeaning: meaning(b.insns),
    class: klass,
    callTarget,
    pvOpsAtBoot: pvSym,
    consistentWithPvOps: consistent,
    straddles: b.straddles,
    alternatives: altsHere,
  });
}

// ---- whole-text differences, by cause ----------------------------------------------------------------
interface DiffStats { region: string; size: number; total: number; byCause: Record<string, number>; unexplainedRuns: { addr: string; symbol: string | undefined; len: number }[] }
const ranges = patchRanges(elf, sections, map);
function diffStats(r: Region): DiffStats {
  const elfBytes = elfBytesAt(elf, sections, r.start, r.bytes.length);
  const { map: cmap, causes } = patchCauseMap(ranges, r.start, r.bytes.length);
  const byCause: Record<string, number> = {};
  const runs: DiffStats['unexplainedRuns'] = [];
  let total = 0;
  for (let i = 0; i < r.bytes.length; i++) {
    if (elfBytes[i] === r.bytes[i]) continue;
    total++;
    const c = cmap[i]!;
    const n = c === 0 ? 'other' : causes[c - 1]!;
    byCause[n] = (byCause[n] ?? 0) + 1;
    if (c === 0) {
      const last = runs[runs.length - 1];
      const addr = r.start + BigInt(i);
      if (last && BigInt(last.addr) + BigInt(last.len) + 8n >= addr) last.len = Number(addr - BigInt(last.addr)) + 1;
      else runs.push({ addr: '0x' + addr.toString(16), symbol: symbolize(map, addr), len: 1 });
    }
  }
  return { region: r.name, size: r.bytes.length, total, byCause, unexplainedRuns: runs };
}
const diffs = regions.map(diffStats);
const diff = diffs[0]!;

// ---- summary ------------------------------------------------------------------------------------------
const bySlot = new Map<number, SiteRecord[]>();
for (const r of records) bySlot.set(r.type, [...(bySlot.get(r.type) ?? []), r]);
const classCounts: Record<string, number> = {};
for (const r of records) classCounts[r.class] = (classCounts[r.class] ?? 0) + 1;

const md: string[] = [];
const rel = (p: string) => relative(repo, p) || p;
md.push(`# Paravirt patch sites in the booted Debian ${release} kernel`);
md.push('');
md.push('What Linux itself wrote at each `.parainstructions` site during boot (`apply_paravirt`, then retpolines, returns and');
md.push('`apply_alternatives`), observed from the running guest. Generated by `scripts/kernel/site-report.ts` from a dump made');
md.push('by `scripts/kernel/dump-booted-text.sh` — do not edit by hand.');
md.push('');
md.push('| | |');
md.push('| --- | --- |');
md.push(`| kernel | \`${vmlinuzName}\` (sha256 \`${meta.vmlinuzSha256}\`) |`);
md.push(`| guest | ${meta.qemu.version}; \`-accel tcg -cpu ${meta.qemu.cpu} -smp ${meta.qemu.smp} -m ${meta.qemu.mem}\`, \`console=ttyS0 nokaslr panic=-1\`, no disk |`);
md.push(`| stopped at | hardware breakpoint on \`panic\` (${meta.panic.stoppedAt}), format \`${meta.panic.format}\` |`);
md.push(`| boot to panic | ${meta.seconds.bootToPanic} s (dump ${meta.seconds.dump} s) on this 2-core machine |`);
md.push(`| sites | ${records.length} (${records.filter((r) => r.region === 'text').length} in .text, ${records.filter((r) => r.region === 'init.text').length} in .init.text) |`);
md.push(`| site table in guest memory | ${paraTableSame ? 'identical to the ELF\'s `.parainstructions`' : '**differs from the ELF**'} |`);
md.push(`| classes | ${Object.entries(classCounts).map(([k, v]) => `${k}: ${v}`).join(', ')} |`);
md.push(`| \`pv_ops\` in guest memory at panic | ${pvOpsSame === undefined ? 'not dumped' : pvOpsSame ? 'identical to its link-time contents in the ELF\'s `.data`' : '**differs from the ELF\'s `.data`**'} |`);
md.push(`| sites without an ALTERNATIVE whose booted bytes are exactly \`call pv_ops[type]\` or NOPs for \`_paravirt_nop\` | ${records.filter((r) => r.consistentWithPvOps === true).length} of ${records.filter((r) => r.consistentWithPvOps !== null).length} |`);
md.push(`| sites with an ALTERNATIVE over them whose booted bytes equal its replacement (+ NOPs) | ${records.filter((r) => r.alternatives.length > 0 && r.alternatives.every((a) => a.bootedMatchesRepl)).length} of ${records.filter((r) => r.alternatives.length > 0).length} |`);
{
  const extraBy = (pred: (r: SiteRecord) => boolean) => [...new Set(records.filter(pred).map((r) => '0x' + r.extra.toString(16)))].join(', ');
  md.push(`| bytes ${ptr + 2}–${ptr + 3} of each entry (${ptr === 8 ? 'old ' : ''}clobber mask) | \`.func\` (callee-save) slots: ${extraBy((r) => r.slot.endsWith('.func'))}; all other slots: ${extraBy((r) => !r.slot.endsWith('.func'))} |`);
  const withAlt = records.filter((r) => r.alternatives.length > 0);
  const exact = withAlt.filter((r) => r.alternatives.length === 1 && r.alternatives[0]!.instr === r.addr && r.alternatives[0]!.instrlen === r.len);
  md.push(`| ALTERNATIVEs over sites | ${withAlt.length} sites have one; ${exact.length} of them exactly one starting at the site with instrlen = site len |`);
}
md.push(`| original bytes call their own slot | ${records.filter((r) => r.origCallsSlot === true).length} of ${records.length} (indirect call through \`pv_ops[type]\`) |`);
md.push('');
md.push('Order at boot (6.1 `alternative_instructions()`: `paravirt_set_cap`, `apply_paravirt`, `apply_retpolines`, `apply_returns`,');
md.push('`apply_alternatives`): `apply_paravirt()` first turns each site into `call <pv_ops[type]>` +');
md.push('NOP padding, or all NOPs for `_paravirt_nop`; then `apply_alternatives()` overwrites the sites that an ALTERNATIVE');
md.push('covers (`ALT_NOT(X86_FEATURE_XENPV)` etc.: the feature is not set on bare metal, so the replacement is applied) with the');
md.push('native replacement + NOP padding. Sites covered by an ALTERNATIVE therefore never show the paravirt result.');
md.push('');
md.push('Classes: `direct-call` = `call rel32` (+ NOP padding); `native` = other instructions (+ NOPs), i.e. inline');
md.push('native code, mostly from an ALTERNATIVE applied over the site; `nops` = all NOPs; `unchanged` = same bytes as the ELF.');
md.push('');
md.push('## Per slot');
md.push('');
md.push('| type | slot | sites | `pv_ops[type]` at boot | original (ELF) | booted | class | ALTERNATIVE over the site (feature: replacement) |');
md.push('| ---: | --- | ---: | --- | --- | --- | --- | --- |');
for (const [type, rs] of [...bySlot.entries()].sort((a, b) => a[0] - b[0])) {
  const origForms = [...new Set(rs.map((r) => {
    const asm = r.origAsm.filter((t) => !/^nop/.test(t)).join('; ').replace(/^call[lq] \*0x[0-9a-f]+ {2}# (pv_ops\[\d+\]) \(.*\)$/, ptr === 8 ? 'call *$1(%rip)' : 'call *$1');
    return r.orig.startsWith('ff 15 ') ? `ff 15 <${ptr === 8 ? 'rel32' : 'abs32'}>: ${asm}` : `${r.orig}: ${asm}`;
  }))];
  const groups = new Map<string, SiteRecord[]>();
  for (const r of rs) {
    const k = `${r.class}|${r.bootedMeaning}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const altForms = [...new Set(rs.flatMap((r) => r.alternatives.map((a) => `${a.not ? '!' : ''}${a.feature}: ${a.replAsm}`)))];
  const booted = [...groups.values()]
    .map((g) => {
      const ex = g[0]!;
      const lens = [...new Set(g.map((r) => r.len))].sort((a, b) => a - b).join('/');
      const bytes = ex.class === 'direct-call' ? 'e8 <rel32>…' : ex.booted;
      return `${g.length}× \`${ex.bootedMeaning}\` (len ${lens}; \`${bytes}\`)`;
    })
    .join('<br>');
  const classes = [...new Set(rs.map((r) => r.class))].join(', ');
  const pv = [...new Set(rs.map((r) => r.pvOpsAtBoot))].join(', ');
  md.push(`| ${type} | \`${slotName(type)}\` | ${rs.length} | \`${pv}\` | ${origForms.map((f) => `\`${f}\``).join('<br>')} | ${booted} | ${classes} | ${altForms.map((f) => `\`${f}\``).join('<br>') || '—'} |`);
}
md.push('');
md.push('## Distinct booted byte strings (non-call sites)');
md.push('');
md.push('| bytes | disassembly | sites | slots |');
md.push('| --- | --- | ---: | --- |');
const byBytes = new Map<string, SiteRecord[]>();
for (const r of records) if (r.class !== 'direct-call') byBytes.set(r.booted, [...(byBytes.get(r.booted) ?? []), r]);
for (const [bytes, rs] of [...byBytes.entries()].sort((a, b) => b[1].length - a[1].length)) {
  md.push(`| \`${bytes}\` | \`${rs[0]!.bootedAsm.join('; ')}\` | ${rs.length} | ${[...new Set(rs.map((r) => r.slot))].join(', ')} |`);
}
md.push('');
md.push('## Direct-call targets');
md.push('');
md.push('| slot | target | sites |');
md.push('| --- | --- | ---: |');
const calls = new Map<string, number>();
for (const r of records) if (r.class === 'direct-call') calls.set(`${r.slot}|${r.callTarget}`, (calls.get(`${r.slot}|${r.callTarget}`) ?? 0) + 1);
for (const [k, n] of [...calls.entries()].sort()) {
  const [s, t] = k.split('|');
  md.push(`| \`${s}\` | \`${t}\` | ${n} |`);
}
md.push('');
md.push('## Where the booted text differs from the ELF');
md.push('');
md.push('Every differing byte attributed to the first table (in this order) that covers it: `.parainstructions` (site len),');
md.push('`.altinstructions` (instrlen), `.retpoline_sites` (6 bytes), `.return_sites` (5), `__mcount_loc` (ftrace, 5),');
md.push('`__jump_table` (5), `static_call_sites` (5) and `__SCT__*` trampolines (8). "other" = not covered by any of these.');
md.push('');
const causeNames = [...new Set(diffs.flatMap((d) => Object.keys(d.byCause)))];
md.push(`| region | bytes | differ | ${causeNames.join(' | ')} |`);
md.push(`| --- | ---: | ---: | ${causeNames.map(() => '---:').join(' | ')} |`);
for (const d of diffs) md.push(`| ${d.region} | ${d.size} | ${d.total} | ${causeNames.map((c) => d.byCause[c] ?? 0).join(' | ')} |`);
md.push('');
for (const d of diffs) {
  if (d.unexplainedRuns.length === 0) continue;
  const bySym = new Map<string, number>();
  for (const run of d.unexplainedRuns) {
    const f = (run.symbol ?? '?').replace(/\+0x[0-9a-f]+$/, '');
    bySym.set(f, (bySym.get(f) ?? 0) + run.len);
  }
  md.push(`"other" runs in ${d.region}: ${d.unexplainedRuns.length}, in: ${[...bySym.entries()].sort((x, y) => y[1] - x[1]).slice(0, 30).map(([f, n]) => `\`${f}\` (${n} B)`).join(', ')}${bySym.size > 30 ? ', …' : ''}.`);
  md.push('');
}
md.push('## Reproduce');
md.push('');
md.push('```sh');
const dataArg = dataDir === resolve(defaultDataDir) ? '' : ` --data-dir ${relative(repo, dataDir)}`;
md.push(`bash scripts/kernel/dump-booted-text.sh${dataArg} --out ${dumpDir}`);
md.push(`npx tsx scripts/kernel/site-report.ts${dataArg} --dump ${dumpDir}`);
md.push('```');
md.push('');
md.push(`Per-site JSON: \`${jsonPath}\` (not committed).`);
md.push('');

writeFileSync(mdPath, md.join('\n'));
const json = { meta, paraTableSame, pvOpsSame, classCounts, diffs, sites: records };
writeFileSync(jsonPath, JSON.stringify(json, null, 1));
const jsonSize = readFileSync(jsonPath).length;
console.log(`${records.length} sites; ${JSON.stringify(classCounts)}`);
console.log(`wrote ${rel(mdPath)} and ${jsonPath} (${(jsonSize / 1024 / 1024).toFixed(2)} MiB)`);
if (!existsSync(mdPath)) process.exit(1);
