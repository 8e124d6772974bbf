// A compiled patch table: what code review reads and the apply engine consumes.
import type { TextTableDef } from '../model/textTable.js';
import type { Relocation } from '../asm/types.js';
import type { OpsTableDef, SelectorDef, SiteTableDef, Width } from '../model/ruleset.js';
import type { AltTableDef } from '../model/altTable.js';

export interface TableInstruction {
  offset: number;
  bytes: Uint8Array;
  /** GNU objdump-style AT&T text, from iced's formatter. */
  text: string;
}

export interface PatchEntry {
  selector: SelectorDef;
  /** `if`/`unless` FEATURE: the entry serves a site only on a CPU where the feature is (not) set. */
  when?: { feature: string; set: boolean };
  bytes: Uint8Array;
  instructions: TableInstruction[];
  /** Registers written (full names as iced reports them, lower case) and RFLAGS bits written. */
  writes: { registers: string[]; flags: string[] };
  relocations: Relocation[];
  /** The declared maximum length that applied, if any. */
  maxLength?: number;
  source: { file: string; line: number; col: number };
  notes: string[];
  /** The contract checker's verdict (src/verify), when it ran: proved / opaque / not-verified / violated. */
  verdict?: { verdict: 'proved' | 'opaque' | 'not-verified' | 'violated'; basis?: string; details: string[] };
}

export interface PatchTable {
  ruleset: string;
  arch: string;
  bitness: 32 | 64;
  /** n → the n-byte NOP. */
  nops: { source: string; byLength: Map<number, Uint8Array> };
  entries: PatchEntry[];
  siteTables: SiteTableDef[];
  opsTables: OpsTableDef[];
  /** ALTERNATIVE tables of the binary (absent in tables written before they existed). */
  altTables?: AltTableDef[];
  /** The CPU feature table (a kernel version's, e.g. `linux-6.12`) that entries' `when` names resolve through. */
  features?: string;
  /** The other boot-time text tables (`texttable`); absent in compiled tables (they are not written to YAML/JSON). */
  textTables?: TextTableDef[];
  /** Op signatures and contracts the apply engine and checks need, by name. */
  ops: { name: string; calleeSave: boolean; maxLength?: number; /** The result's width (absent in tables written before it was recorded). */ returns?: Width }[];
}
