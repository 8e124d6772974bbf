import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The kernel boot test is slow and needs qemu; it has its own command (npm run test:kernel).
    exclude: ['test/kernel-boot/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
