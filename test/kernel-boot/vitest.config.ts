// The kernel boot tests: slow (boots a kernel under QEMU TCG once, then reuses the cached dump) and need
// ../shared + qemu-system-x86_64 + gdb. The default `vitest run` excludes this folder; run them with
//   npx vitest run --config test/kernel-boot/vitest.config.ts
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/kernel-boot/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
