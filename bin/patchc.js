#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/cli (built by `npm run build`, run automatically by `npm install`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`patchc: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
