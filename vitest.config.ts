import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Unit and integration tests of every package and app; end-to-end tests have their own config in e2e/.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*"],
    // Most files wait on PostgreSQL, Redis and child processes rather than on the CPU: four at a time on two cores
    // took the step from 461 s to 316 s on this machine, every test passing.
    maxWorkers: Math.max(4, availableParallelism()),
  },
});
