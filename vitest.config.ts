import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once so CLI tests run the real `roster` binary, as a user would.
    globalSetup: ['test/global-setup.ts'],
    // Commands run in process too (test/helpers/in-process.ts): plain output, as NO_COLOR gives spawned ones.
    env: { NO_COLOR: '1' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
