// The after-check: a patched site must decode as whole instructions covering exactly its length.
import { describeInstructions } from '../asm/describe.js';
import type { Bitness } from '../asm/types.js';

/**
 * x86 instruction lengths depend on prefixes, opcode, ModRM/SIB and the encoding's immediate and
 * displacement *sizes*, never on their values. So a replacement whose relocation fields are later
 * filled in decodes to the same instruction boundaries as its template, and one decode per
 * (template, site length) proves the boundaries for every site that uses it. Per site, the loop then
 * checks what differs from the template: each relocated field, read back from the final bytes, must
 * reach its target from that site (RelocPlan.fieldsReach); every other byte is the template's.
 */
export class ShapeVerifier {
  private readonly cache = new Map<number, string | undefined>();
  constructor(private readonly bitness: Bitness) {}

  /** Undefined when replacement + fill are whole instructions; otherwise what is wrong. */
  check(replacement: Uint8Array, fill: Uint8Array, key: number): string | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const bytes = new Uint8Array(replacement.length + fill.length);
    bytes.set(replacement, 0);
    bytes.set(fill, replacement.length);
    const d = describeInstructions(bytes, this.bitness);
    const covered = d.instructions.reduce((n, i) => n + i.bytes.length, 0);
    const problem = !d.whole ? d.problem : covered !== bytes.length ? `instructions cover ${covered} of ${bytes.length} bytes` : undefined;
    this.cache.set(key, problem);
    return problem;
  }
}
