// Writes src/asm/codeTableData.ts from the installed iced-x86: `npx tsx test/asm/gen-code-table.ts`.
// Run it after updating iced-x86 (test/asm/unit/code-table.test.ts fails until then).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatCodeTable, liveCodeTable } from '../../src/asm/codeTable.js';

const out = fileURLToPath(new URL('../../src/asm/codeTableData.ts', import.meta.url));
writeFileSync(out, formatCodeTable(liveCodeTable()));
console.log(`wrote ${out}`);
