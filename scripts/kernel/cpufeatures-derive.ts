// The x86 CPU feature name table of one Linux version, derived from that version's own sources the way its
// build derives /proc/cpuinfo's names: arch/x86/kernel/cpu/mkcapflags.sh reads arch/x86/include/asm/cpufeatures.h
// line by line with sed and writes x86_cap_flags[] / x86_bug_flags[]. This module re-does exactly what the
// script does (and refuses a script or header it does not recognise); gen-cpufeatures.ts writes the result to
// src/kernel/cpufeatures/, and test/kernel/cpufeature-tables.test.ts derives it again to compare.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpuFeatureEntry } from '../../src/kernel/cpuFeatureTable.js';

export const HEADER_PATH = 'arch/x86/include/asm/cpufeatures.h';
export const MKCAPFLAGS_PATH = 'arch/x86/kernel/cpu/mkcapflags.sh';
/** mkcapflags.sh's third input; only read so that tests can run the kernel's own script. */
export const VMXFEATURES_PATH = 'arch/x86/include/asm/vmxfeatures.h';

/**
 * How a version's mkcapflags.sh names a macro whose comment does not start with a quoted string:
 * - 'suffix' (v6.1): `[ -z "$VALUE" ] && VALUE="\"$NAME\""`, the lower-cased macro suffix; `""` hides it;
 * - 'hidden' (v6.12): `[ ! "$VALUE" ] && continue`, not shown at all (v6.11 made the names opt-in).
 */
export type NamingRule = 'suffix' | 'hidden';

export interface DerivedTable {
  linuxVersion: string;
  ncapints: number;
  nbugints: number;
  rule: NamingRule;
  entries: CpuFeatureEntry[];
}

// The lines every known mkcapflags.sh has; if one is missing the script changed and this emulation may be wrong.
const SCRIPT_INVARIANTS = [
  `sed -n -e 's/\\t/ /g' -e "s/^ *# *define *$PFX//p" $IN |`,
  `NAME="$(echo "$i" | sed 's/ .*//')"`,
  `VALUE="$(echo "$i" | sed -n 's@.*/\\* *\\("[^"]*"\\).*\\*/@\\1@p')"`,
  `VALUE="$(echo "$VALUE" | tr A-Z a-z)"`,
  `dump_array "x86_cap_flags" "NCAPINTS*32" "X86_FEATURE_" "" $2`,
  `dump_array "x86_bug_flags" "NBUGINTS*32" "X86_BUG_" "NCAPINTS*32" $2`,
];
const RULE_LINES: Record<NamingRule, string[]> = {
  suffix: [`[ -z "$VALUE" ] && VALUE="\\"$NAME\\""`, `[ "$VALUE" = '""' ] && continue`],
  hidden: [`[ ! "$VALUE" ] && continue`],
};

export function namingRule(script: string): NamingRule {
  const lines = new Set(script.split('\n').map((l) => l.trim()));
  const missing = SCRIPT_INVARIANTS.filter((l) => !lines.has(l));
  if (missing.length) throw new Error(`${MKCAPFLAGS_PATH} is not one this generator knows; missing: ${missing.join(' | ')}`);
  const rules = (Object.keys(RULE_LINES) as NamingRule[]).filter((r) => RULE_LINES[r].every((l) => lines.has(l)));
  if (rules.length !== 1) throw new Error(`${MKCAPFLAGS_PATH}: cannot tell how unnamed macros are treated (matches: ${rules.join(', ') || 'none'})`);
  return rules[0]!;
}

function defineValue(name: string, expr: string, ncapints: number, where: string): number {
  const num = /^\(\s*(\d+)\s*\*\s*32\s*\+\s*(\d+)\s*\)$/.exec(expr);
  if (num) return Number(num[1]) * 32 + Number(num[2]);
  const bug = /^X86_BUG\(\s*(?:(\d+)\s*\*\s*32\s*\+\s*)?(\d+)\s*\)$/.exec(expr);
  if (bug) return ncapints * 32 + Number(bug[1] ?? 0) * 32 + Number(bug[2]);
  throw new Error(`${where}: ${name} = '${expr}' is not (w*32+b) or X86_BUG(...)`);
}

function intDefine(header: string, name: string): number {
  const m = new RegExp(`^#define\\s+${name}\\s+(\\d+)\\b`, 'm').exec(header);
  if (!m) throw new Error(`${HEADER_PATH}: no #define ${name}`);
  return Number(m[1]);
}

export function deriveTable(header: string, script: string, linuxVersion: string): DerivedTable {
  const rule = namingRule(script);
  const ncapints = intDefine(header, 'NCAPINTS');
  const nbugints = intDefine(header, 'NBUGINTS');
  const entries: CpuFeatureEntry[] = [];
  const conditions: string[] = [];
  header.split('\n').forEach((raw, i) => {
    const where = `${HEADER_PATH}:${i + 1}`;
    // The script's sed: tabs become spaces, then `^ *# *define *PREFIX` is cut off (and the line kept).
    const line = raw.replace(/\t/g, ' ');
    const cond = /^ *# *(if|ifdef|ifndef|elif|else|endif)\b *(.*)$/.exec(line);
    if (cond) {
      // Include guards (`#ifndef _ASM_...`) say nothing about a feature; other conditionals are noted per macro.
      if (cond[1] === 'endif') conditions.pop();
      else if (cond[1] === 'else' || cond[1] === 'elif') throw new Error(`${where}: #${cond[1]} is not handled`);
      else conditions.push(/^_ASM_/.test(cond[2]!) ? '' : `${cond[1] === 'ifndef' ? '!' : ''}${cond[2]!.trim()}`);
      return;
    }
    const m = /^ *# *define *(X86_FEATURE_|X86_BUG_)(.*)$/.exec(line);
    if (!m) return;
    // `read i` (no -r) would eat backslashes and join continued lines; no header has one, so none is emulated.
    if (m[2]!.includes('\\')) throw new Error(`${where}: a backslash, which the script's 'read' would reinterpret`);
    const i2 = m[2]!.replace(/^[ \n]+|[ \n]+$/g, '');
    const name = i2.replace(/ .*/, '');
    const macro = m[1]! + name;
    const exprEnd = i2.indexOf('/*');
    const value = defineValue(macro, i2.slice(name.length, exprEnd < 0 ? undefined : exprEnd).trim(), ncapints, where);
    // sed 's@.*/\* *\("[^"]*"\).*\*/@\1@p': the greedy `.*` picks the last `/*` followed by a quoted string and a
    // later `*/`; the match is replaced by the quoted string, text after the match stays.
    const q = /^(.*)\/\* *("[^"]*").*\*\//.exec(i2);
    let quoted = q ? q[2]! + i2.slice(q[0].length) : '';
    if (!quoted && rule === 'suffix') quoted = `"${name}"`;
    // Under 'hidden', `""` would be printed as an empty name (the `""` test is gone); no 6.12 header has one.
    if (quoted === '""' && rule === 'hidden') throw new Error(`${where}: "" under the 'hidden' rule would show an empty name`);
    if (!/^"[^"]*"$/.test(quoted) && quoted !== '') throw new Error(`${where}: the generated C would read = ${quoted}`);
    const shown = quoted === '' || quoted === '""' ? undefined : quoted.slice(1, -1).toLowerCase();
    const limit = (m[1] === 'X86_BUG_' ? ncapints + nbugints : ncapints) * 32;
    const base = m[1] === 'X86_BUG_' ? ncapints * 32 : 0;
    if (value < base || value >= limit) throw new Error(`${where}: ${macro} = ${value} outside [${base}, ${limit})`);
    const onlyIf = conditions.filter(Boolean).join(' && ');
    entries.push({ macro, bit: value, ...(shown !== undefined ? { cpuinfo: shown } : {}), ...(onlyIf ? { onlyIf } : {}) });
  });
  return { linuxVersion, ncapints, nbugints, rule, entries };
}

/** `VERSION.PATCHLEVEL.SUBLEVEL` from a source tree's top Makefile. */
export function makefileVersion(makefile: string): string {
  const get = (k: string): string => {
    const m = new RegExp(`^${k} = (\\d+)$`, 'm').exec(makefile);
    if (!m) throw new Error(`Makefile: no ${k}`);
    return m[1]!;
  };
  return `${get('VERSION')}.${get('PATCHLEVEL')}.${get('SUBLEVEL')}`;
}

export interface SourceFiles {
  header: string;
  script: string;
  makefile: string;
  vmx: string;
  /** Where they were read, for messages. */
  from: string;
}

/**
 * The files from a Linux source: an extracted tree `DIR/linux-source-X.Y/` (or `DIR` itself), or Debian's
 * tarball `DIR/linux-source-X.Y.tar.xz` / `/usr/src/linux-source-X.Y.tar.xz` (what `linux-source-X.Y` installs).
 * Undefined when none is there.
 */
export function findSource(series: string, dirs: string[]): SourceFiles | undefined {
  const top = `linux-source-${series}`;
  const files = ['Makefile', HEADER_PATH, MKCAPFLAGS_PATH, VMXFEATURES_PATH];
  for (const d of dirs) {
    for (const tree of [join(d, top), d]) {
      if (files.every((f) => existsSync(join(tree, f)))) {
        const [makefile, header, script, vmx] = files.map((f) => readFileSync(join(tree, f), 'utf8')) as [string, string, string, string];
        return { header, script, makefile, vmx, from: tree };
      }
    }
    const tarball = join(d, `${top}.tar.xz`);
    if (existsSync(tarball)) {
      // One pass over the 140 MB tarball for all the files.
      const tmp = mkdtempSync(join(tmpdir(), 'patchc-linux-src-'));
      try {
        execFileSync('tar', ['-xJf', tarball, '-C', tmp, ...files.map((f) => `${top}/${f}`)]);
        const [makefile, header, script, vmx] = files.map((f) => readFileSync(join(tmp, top, f), 'utf8')) as [string, string, string, string];
        return { header, script, makefile, vmx, from: tarball };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  }
  return undefined;
}

/** The sources the shipped tables are generated from (Debian 12's linux-source packages). */
export interface CpuFeatureSource {
  series: string;
  linuxVersion: string;
  debianPackage: string;
  exportName: string;
}

export const CPUFEATURE_SOURCES: readonly CpuFeatureSource[] = [
  { series: '6.1', linuxVersion: '6.1.192', debianPackage: 'linux-source-6.1 6.1.192-3', exportName: 'LINUX_6_1_CPU_FEATURES' },
  { series: '6.12', linuxVersion: '6.12.117', debianPackage: 'linux-source-6.12 6.12.117-1~deb12u1', exportName: 'LINUX_6_12_CPU_FEATURES' },
];

export function sourceDirs(args: string[]): string[] {
  const base = args.length ? args : [process.env['PATCHC_LINUX_SOURCE_DIR'] ?? '', join(tmpdir(), 'patchc-linux-source'), '/usr/src'].filter(Boolean);
  return base.flatMap((d) => [d, join(d, 'usr/src')]);
}

/** The table from the first source found; throws when that source is another version than the one cited. */
export function tableFromSource(src: CpuFeatureSource, dirs: string[]): { table: DerivedTable; from: string } | undefined {
  const files = findSource(src.series, dirs);
  if (!files) return undefined;
  const version = makefileVersion(files.makefile);
  if (version !== src.linuxVersion) throw new Error(`${files.from} is Linux ${version}; the table cites ${src.linuxVersion} (${src.debianPackage})`);
  return { table: deriveTable(files.header, files.script, version), from: files.from };
}

const q = (s: string): string => `'${s}'`;

export function renderTable(src: CpuFeatureSource, t: DerivedTable): string {
  const rows = t.entries.map((e) => {
    const w = Math.floor(e.bit / 32);
    const fields = [`macro: ${q(e.macro)}`, `bit: ${w} * 32 + ${e.bit - w * 32}`];
    if (e.cpuinfo !== undefined) fields.push(`cpuinfo: ${q(e.cpuinfo)}`);
    if (e.onlyIf !== undefined) fields.push(`onlyIf: ${q(e.onlyIf)}`);
    return `    { ${fields.join(', ')} },`;
  });
  const ruleText =
    t.rule === 'suffix'
      ? 'a macro without a quoted name is shown as its lower-cased suffix, `""` hides it'
      : 'only a macro whose comment starts with a quoted name is shown';
  return `// Generated by scripts/kernel/gen-cpufeatures.ts; do not edit.
// Source: ${HEADER_PATH} and ${MKCAPFLAGS_PATH} of Linux ${t.linuxVersion}
// (Debian ${src.debianPackage}). cpuinfo names follow that mkcapflags.sh: ${ruleText}.
import type { CpuFeatureTableData } from '../cpuFeatureTable.js';

export const ${src.exportName}: CpuFeatureTableData = {
  name: 'linux-${src.series}',
  linuxVersion: '${t.linuxVersion}',
  source: '${HEADER_PATH}, ${MKCAPFLAGS_PATH} (Linux ${t.linuxVersion}, Debian ${src.debianPackage})',
  ncapints: ${t.ncapints},
  nbugints: ${t.nbugints},
  entries: [
${rows.join('\n')}
  ],
};
`;
}
