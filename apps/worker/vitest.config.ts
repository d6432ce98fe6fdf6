import { defineProject } from "vitest/config";

// Integration tests: real PostgreSQL and Redis, a database and key prefix of their own per file.
export default defineProject({
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
});
