import { defineConfig } from "vitest/config";

// End-to-end: real simulator, worker and API processes, headless Debian Chromium. One file at a time:
// they start whole stacks and the CI machine has two cores.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["specs/**/*.spec.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
