// The checked model: what a rule set means, independent of how it was spelled.
import type { TextTableDef } from './textTable.js';
import type { SourceSpan } from '../diag/diagnostic.js';
import type { AsmSyntax } from '../asm/types.js';
import type { ArchInfo } from './arch.js';
import type { NopTable } from './nops.js';
import type { AsmText } from '../syntax/ast.js';
import type { AltTableDef } from './altTable.js';

/** Widths in bits; 'word' is the architecture's pointer width (ulong, ptr). */
export type Width = 8 | 16 | 32 | 64 | 'word' | 'void';

export type Contract =
  | { kind: 'identity'; arg: number }
  | { kind: 'const'; value: bigint }
  | { kind: 'nop' }
  | { kind: 'opaque' }
  | { kind: 'writes'; registers: string[] };

export interface OpParam {
  name?: string;
  width: Width;
}

export interface OpDef {
  name: string;
  params: OpParam[];
  returns: Width;
  contracts: Contract[];
  /** Linux PV_CALLEE_SAVE: the op preserves every register but the return register. */
  calleeSave: boolean;
  maxLength?: number;
  span: SourceSpan;
}

export type ReplacementDef =
  | { kind: 'asm'; syntax: AsmSyntax; instructions: AsmText[] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'trap' };

export type SelectorDef = { kind: 'op'; op: string } | { kind: 'target'; symbol: string } | { kind: 'missing' } | { kind: 'default' };

/** `if X86_FEATURE_ERMS` (set: true) / `unless X86_FEATURE_XENPV` (set: false), as written. */
export interface RuleCondition {
  feature: string;
  set: boolean;
  span: SourceSpan;
}

export interface RuleDef {
  arch: string;
  selector: SelectorDef;
  /** Serves a site only on a CPU where the feature is (not) set; the apply engine needs the CPU then. */
  when?: RuleCondition;
  replacement: ReplacementDef;
  span: SourceSpan;
}

export interface ArchRules {
  arch: ArchInfo;
  maxLength?: number;
  /** In source order; at most one per selector. */
  rules: RuleDef[];
}

export type FieldWidth = 1 | 2 | 4 | 8;

export interface SiteTableDef {
  name: string;
  /** Undefined: the table applies to every architecture. */
  arch?: string;
  section: string;
  stride: number;
  site: { kind: 'ptr' | 'rel32'; offset: number };
  op: { width: FieldWidth; offset: number };
  len: { width: FieldWidth; offset: number };
  clobbers?: { width: FieldWidth; offset: number; bits: string[] };
  opsTable: string;
  expect: 'indirect-call' | 'any';
  span: SourceSpan;
}

export interface OpsTableDef {
  name: string;
  arch?: string;
  location: { kind: 'symbol'; symbol: string } | { kind: 'address'; address: bigint };
  /** slots[i] is the op named for slot i (undefined: no op there). */
  slots: (string | undefined)[];
  span: SourceSpan;
}

export interface RuleSet {
  name: string;
  /** Every file read, root first. */
  files: string[];
  ops: Map<string, OpDef>;
  arches: Map<string, ArchRules>;
  nops: Map<string, NopTable>;
  siteTables: SiteTableDef[];
  opsTables: Map<string, OpsTableDef>;
  altTables: AltTableDef[];
  /** The CPU feature table rule conditions name (`features ...`, else the alttable's). */
  features?: { table: string; span: SourceSpan };
  /** Boot-time text rewriting tables besides paravirt and alternatives (`texttable`), in file order. */
  textTables: TextTableDef[];
}
