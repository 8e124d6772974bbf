// The patch loop, in the shape of Linux's apply_paravirt(): for each site, copy its bytes, choose and
// relocate a replacement, check that it fits and what it clobbers, pad with NOPs, verify, write. A site
// that fails a check keeps its bytes and is reported with the reason.
import { InstructionReader } from '../asm/reader.js';
import type { ElfFile, SymbolTable } from '../binary/index.js';
import { fullRegister } from '../model/abi.js';
import { nopFill } from '../model/nops.js';
import type { PatchTable } from '../table/types.js';
import { RuleChooser } from './choose.js';
import type { OpsTableView } from './opsTable.js';
import { relocate } from './relocate.js';
import type { Site, SiteResult } from './types.js';
import { ShapeVerifier } from './verify.js';
import { selectorText } from '../table/document.js';

/** Registers every call site gives up anyway: the stack and instruction pointers move by design. */
const ALWAYS_ALLOWED = new Set(['rsp', 'esp', 'rip', 'eip']);

export interface LoopInput {
  elf: ElfFile;
  table: PatchTable;
  sites: Site[];
  ops: OpsTableView | undefined;
  symbols: SymbolTable | undefined;
  /** Receives the bytes to write at each patched site (file offset, bytes). */
  write(offset: number, bytes: Uint8Array): void;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function patchSites(input: LoopInput): SiteResult[] {
  const { elf, table, sites, ops, symbols } = input;
  const bitness = table.bitness;
  const chooser = new RuleChooser(table, ops, symbols);
  const verifier = new ShapeVerifier(bitness);
  const reader = new InstructionReader(bitness, elf.data);
  const padCache = new Map<number, Uint8Array>();
  const pad = (n: number): Uint8Array => {
    let p = padCache.get(n);
    if (!p) padCache.set(n, (p = nopFill(table.nops, n)));
    return p;
  };
  const results: SiteResult[] = [];
  try {
    for (const site of sites) {
      const original = elf.data.slice(site.fileOffset, site.fileOffset + site.len);
      // The original must be what the site format promises. When it is not, the site may still be one
      // this table already patched (applying twice gives the same bytes), so that is decided last.
      const unexpected = site.expect === 'indirect-call' ? checkIndirectCall(reader, site, ops) : undefined;
      const refuse = (reason: string, extra: Partial<SiteResult> = {}): void => {
        results.push({ site, outcome: 'refused', reason: unexpected ?? reason, original, patched: original, ...extra });
      };
      const chosen = chooser.choose(site);
      const target = chosen.target;
      const targetInfo = target ? { target } : {};
      if (!chosen.entry) {
        refuse(chosen.reason, targetInfo);
        continue;
      }
      const entry = chosen.entry;
      const rule = selectorText(entry.selector);
      const relocated = relocate(entry, site.address, target, symbols, table.bitness);
      if (!relocated.ok) {
        refuse(relocated.reason, { rule, ...targetInfo });
        continue;
      }
      const repl = relocated.bytes;
      if (repl.length > site.len) {
        refuse(`replacement is ${repl.length} bytes; the site has ${site.len}`, { rule, ...targetInfo });
        continue;
      }
      if (site.clobbers) {
        const allowed = new Set(site.clobbers.map((r) => fullRegister(r, table.bitness) ?? r));
        // The mask speaks of general-purpose registers; writing cr3 or IF is what an op does, not a clobber.
        const bad = entry.writes.registers.flatMap((r) => fullRegister(r, table.bitness) ?? []).filter((r) => !ALWAYS_ALLOWED.has(r) && !allowed.has(r));
        if (bad.length) {
          refuse(`replacement writes ${[...new Set(bad)].join(', ')}, which the site's clobber mask (${site.clobbers.join(', ') || 'none'}) does not allow`, { rule, ...targetInfo });
          continue;
        }
      }
      const patched = new Uint8Array(site.len);
      patched.set(repl, 0);
      patched.set(pad(site.len - repl.length), repl.length);
      // Relocation fields are zero in the template the verifier sees, so the cache key is the template.
      const template = new Uint8Array(site.len);
      template.set(entry.bytes, 0);
      template.set(pad(site.len - repl.length), repl.length);
      const problem = verifier.check(template, `${rule}/${site.len}`);
      if (problem) {
        refuse(`patched site would not decode as whole instructions: ${problem}`, { rule, ...targetInfo });
        continue;
      }
      if (unexpected) {
        if (equal(original, patched)) results.push({ site, outcome: 'already-applied', rule, ...targetInfo, original, patched, replacementLength: repl.length });
        else refuse(unexpected, { rule, ...targetInfo });
        continue;
      }
      input.write(site.fileOffset, patched);
      results.push({ site, outcome: 'patched', rule, ...targetInfo, original, patched, replacementLength: repl.length });
    }
  } finally {
    reader.free();
  }
  return results;
}

/** The site must hold exactly one `call *SLOT` through its own slot of the ops table, `len` bytes long. */
function checkIndirectCall(reader: InstructionReader, site: Site, ops: OpsTableView | undefined): string | undefined {
  const d = reader.decodeAt(site.fileOffset, site.address, site.len);
  if (d.length === 0) return `original bytes are not a valid instruction within the site's ${site.len} bytes`;
  if (!d.indirectCall) return 'original bytes are not an indirect call';
  if (d.length !== site.len) return `the indirect call is ${d.length} bytes; the site says ${site.len}`;
  const slotAddr = site.slot !== undefined ? ops?.slotAddress(site.slot) : undefined;
  if (slotAddr !== undefined && d.memoryTarget !== slotAddr) {
    const through = d.memoryTarget === undefined ? 'a register-based address' : `0x${d.memoryTarget.toString(16)}`;
    return `the call goes through ${through}, not slot ${site.slot} of ${ops!.def.name} (0x${slotAddr.toString(16)})`;
  }
  return undefined;
}
