// The encodings table the assembler reads at run time (src/asm/codeTableData.ts) is what the installed iced-x86
// gives: regenerate it with `npx tsx test/asm/gen-code-table.ts` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCodeTable, liveCodeTable } from '../../../src/asm/codeTable.js';

describe('generated code table', () => {
  it('matches iced-x86', () => {
    const file = readFileSync(new URL('../../../src/asm/codeTableData.ts', import.meta.url), 'utf8');
    expect(file === formatCodeTable(liveCodeTable())).toBe(true);
  });
});
