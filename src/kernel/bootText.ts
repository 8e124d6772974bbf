// The kernel's whole boot-time rewriting of its text, in the kernel's order: the rule set's `texttable`s
// that run before paravirt, the paravirt pass, those that run before alternatives, the alternatives pass,
// those after. Each texttable names its pass; the passes are a kernel version's code (textPass61.ts, ...).
import { applyTable, type ApplyRun } from '../apply/apply.js';
import { patcherMemory } from '../apply/altMemory.js';
import { readTextTable, runTextTable, type TextPassRules, type TextSiteResult } from '../apply/textLoop.js';
import { lookupVaddr, type ElfFile, type ElfPatcher, type SymbolTable } from '../binary/index.js';
import { InputError } from '../diag/diagnostic.js';
import type { TextRuns, TextTableDef } from '../model/textTable.js';
import type { PatchTable } from '../table/types.js';
import { runAlternatives, type AlternativesRun } from './alternatives.js';
import { featureState, type CpuFeatureSet } from './cpuFeatures.js';
import {
  linux61JumpLabel, linux61Retpolines, linux61Returns, linux61SmpLocks, linux61StaticCall, linux61StaticCallTrampoline, nopsPass,
  type TextPassContext,
} from './textPass61.js';
import { linux612CallSites, linux612SealEndbr, linux612UserPtrMax, runtimeValue } from './textPass612.js';

type TextPassFactory = (ctx: TextPassContext) => TextPassRules;
const PASSES: ReadonlyMap<string, TextPassFactory> = new Map<string, TextPassFactory>([
  ['nops', nopsPass],
  ['linux-6.1-returns', linux61Returns],
  ['linux-6.1-retpolines', linux61Retpolines],
  ['linux-6.1-jump-label', linux61JumpLabel],
  ['linux-6.1-static-call', linux61StaticCall],
  ['linux-6.1-static-call-trampoline', linux61StaticCallTrampoline],
  ['linux-6.1-smp-locks', () => linux61SmpLocks()],
  ['linux-6.12-seal-endbr', () => linux612SealEndbr()],
  ['linux-6.12-call-sites', linux612CallSites],
  ['linux-6.12-user-ptr-max', linux612UserPtrMax],
  ['runtime-value', () => runtimeValue()],
]);

export interface TextTableRun {
  def: TextTableDef;
  results: TextSiteResult[];
  /** Sites the table lists outside the file's bytes (discarded sections), not run. */
  skipped: number;
}

export interface BootTextRun {
  patcher: ElfPatcher;
  paravirt: ApplyRun;
  alternatives?: AlternativesRun;
  tables: TextTableRun[];
}

/** Runs everything the kernel rewrites at boot on a copy of `elf`; `cpu` undefined: no alternatives, no CPU-dependent table. */
export function runBootText(elf: ElfFile, table: PatchTable, symbols: SymbolTable | undefined, cpu: CpuFeatureSet): BootTextRun {
  const defs = table.textTables ?? [];
  for (const d of defs) if (!PASSES.has(d.pass)) throw new InputError(`texttable ${d.name}: no text pass '${d.pass}' (known: ${[...PASSES.keys()].join(', ')}) ${d.span.file}:${d.span.start.line}`);
  const para = applyTable(elf, table, symbols);
  const mem = patcherMemory(elf, para.patcher);
  const readData = (addr: bigint, len: number): Uint8Array | undefined => {
    const l = lookupVaddr(elf, addr, len);
    return l.ok ? elf.data.subarray(l.offset, l.offset + len) : undefined;
  };
  const has = (macro: string): boolean | undefined => {
    const bit = cpu.table.macro(macro)?.bit;
    if (bit === undefined) return false; // a feature this kernel version does not have is never set
    const s = featureState(cpu, bit);
    return s === 'unknown' ? undefined : s === 'set';
  };
  const tables: TextTableRun[] = [];
  const stage = (runs: TextRuns) => {
    for (const def of defs.filter((d) => d.runs === runs)) {
      const sites = readTextTable(elf, def, symbols);
      let expect: TextPassContext['expect'];
      if (def.expect) {
        const target = symbols?.addressOf(def.expect.symbol);
        if (target === undefined) throw new InputError(`texttable ${def.name}: 'expect ${def.expect.op} ${def.expect.symbol}': no such symbol in the kernel`);
        expect = { op: def.expect.op === 'call' ? 0xe8 : 0xe9, target, symbol: def.expect.symbol };
      }
      const updates = def.updates.map((u) => {
        // The key (a data symbol) is missing from a kallsyms without data symbols (686): the trampolines go by
        // name; the static call sites pass, which goes by key, refuses then (textPass61.ts).
        const key = symbols?.addressOf(`__SCK__${u.key}`);
        const func = u.func === 'NULL' ? 0n : symbols?.addressOf(u.func);
        if (func === undefined) throw new InputError(`texttable ${def.name}: 'update ${u.key} ${u.func}': no symbol ${u.func} in the kernel's symbols`);
        return { key, name: u.key, func, text: `updated to ${u.func} at boot` };
      });
      const ctx: TextPassContext = { has, nops: table.nops, bitness: table.bitness, symbols, readData, updates, ...(expect ? { expect } : {}) };
      const results = runTextTable(elf, def, sites, mem, PASSES.get(def.pass)!(ctx));
      tables.push({ def, results, skipped: sites.length - results.length });
    }
  };
  // The paravirt pass has run (applyTable); 6.1's before-paravirt tables (jump labels, static calls, ftrace:
  // setup_arch() and start_kernel() before alternative_instructions()) touch no paravirt site.
  stage('before paravirt');
  stage('before alternatives');
  const alternatives = table.altTables?.length ? runAlternatives(elf, para.patcher, table, cpu, symbols) : undefined;
  stage('after alternatives');
  return { patcher: para.patcher, paravirt: para, ...(alternatives ? { alternatives } : {}), tables };
}
