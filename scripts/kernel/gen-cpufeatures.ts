// Writes src/kernel/cpufeatures/linux-<series>.ts from each Linux version's own cpufeatures.h and mkcapflags.sh
// (cpufeatures-derive.ts says how). test/kernel/cpufeature-tables.test.ts fails when a file no longer equals
// what this writes from the same source.
//
//   apt-get download linux-source-6.1 linux-source-6.12; dpkg -x each into DIR   (DIR/usr/src/*.tar.xz)
//   npx tsx scripts/kernel/gen-cpufeatures.ts [DIR...]
//
// A DIR may hold an extracted tree `linux-source-X.Y/` or the tarball `linux-source-X.Y.tar.xz` (also looked
// for in DIR/usr/src). Default: $PATCHC_LINUX_SOURCE_DIR, /tmp/patchc-linux-source, /usr/src.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPUFEATURE_SOURCES, renderTable, sourceDirs, tableFromSource } from './cpufeatures-derive.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dirs = sourceDirs(process.argv.slice(2));
let missing = 0;
for (const src of CPUFEATURE_SOURCES) {
  const t = tableFromSource(src, dirs);
  if (!t) {
    process.stderr.write(`gen-cpufeatures: no linux-source-${src.series} in ${dirs.join(', ')}\n`);
    missing++;
    continue;
  }
  const out = join(root, 'src/kernel/cpufeatures', `linux-${src.series}.ts`);
  writeFileSync(out, renderTable(src, t.table));
  const shown = t.table.entries.filter((e) => e.cpuinfo !== undefined).length;
  process.stdout.write(`wrote ${out} from ${t.from}: ${t.table.entries.length} macros, ${shown} shown in cpuinfo (rule '${t.table.rule}')\n`);
}
process.exitCode = missing ? 1 : 0;
