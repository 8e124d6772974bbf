// How the differential tests reach patchc's assembler. Everything that depends on the assembler's
// entry point lives here, so swapping the library call for the CLI (`patchc asm --file F`) is local.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AsmBlockResult, AsmOptions, Relocation } from '../../../src/asm/types.js';
import type { CorpusSyntax } from './corpus-format.js';

export type AssembleBlock = (text: string, opts: AsmOptions) => AsmBlockResult;

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ASM_ENTRY = join(REPO_ROOT, 'src/asm/index.ts');

export type LoadResult = { ok: true; assembleBlock: AssembleBlock } | { ok: false; reason: string };

/**
 * Loads src/asm/index.ts at run time. The import is dynamic so that this file typechecks (and the tests
 * fail with a clear message instead of a crash) while the assembler does not exist yet.
 */
export async function loadAssembler(): Promise<LoadResult> {
  if (!existsSync(ASM_ENTRY)) return { ok: false, reason: `${ASM_ENTRY} does not exist yet` };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(ASM_ENTRY).href)) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, reason: `importing src/asm/index.ts failed: ${(e as Error).stack ?? String(e)}` };
  }
  const fn = mod['assembleBlock'];
  if (typeof fn !== 'function') return { ok: false, reason: 'src/asm/index.ts does not export assembleBlock()' };
  return { ok: true, assembleBlock: fn as AssembleBlock };
}

/**
 * What patchc is asked for a corpus item. AT&T without '%' is handed to the AT&T parser as is: patchc has
 * no noprefix switch in AsmOptions, so its AT&T front end must take registers with or without '%'.
 */
export function patchcOptions(syntax: CorpusSyntax, bitness: 32 | 64): AsmOptions {
  return { syntax: syntax === 'intel' ? 'intel' : 'att', bitness };
}

export type PatchcOutcome =
  | { kind: 'bytes'; bytes: Uint8Array; relocations: Relocation[] }
  | { kind: 'refused'; message: string }
  | { kind: 'threw'; message: string };

export function runPatchc(assemble: AssembleBlock, text: string, opts: AsmOptions): PatchcOutcome {
  let r: AsmBlockResult;
  try {
    r = assemble(text, opts);
  } catch (e) {
    return { kind: 'threw', message: (e as Error).message ?? String(e) };
  }
  if (r.errors.length > 0) return { kind: 'refused', message: r.errors.map((e) => e.message).join('; ') };
  return { kind: 'bytes', bytes: r.bytes, relocations: r.relocations };
}
