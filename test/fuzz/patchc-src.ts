// bin/patchc.js, but on the TypeScript sources (spawned as `node --import tsx test/fuzz/patchc-src.ts`), so
// tests that need a real process (signals) run the code under test without a build of dist/.
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`patchc: internal error: ${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 70;
  },
);
