import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const guard = join(import.meta.dirname, "../src/crash-guard.ts");
const run = (reject: string) =>
  spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { guardConnectionRejections } from ${JSON.stringify(guard)}; guardConnectionRejections((m) => console.log(m)); ${reject}; setTimeout(() => console.log("still running"), 100);`,
    ],
    { encoding: "utf8", timeout: 20_000 },
  );

describe("guardConnectionRejections", () => {
  it("a connection reset nobody awaited is logged and the process carries on", () => {
    const r = run(`Promise.reject(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))`);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("a dependency's connection failed outside any request (ECONNRESET: read ECONNRESET); carrying on");
    expect(r.stdout).toContain("still running");
  });

  it("any other unhandled rejection still ends the process with its stack", () => {
    const r = run(`Promise.reject(new TypeError("a real bug"))`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("TypeError: a real bug");
    expect(r.stdout).not.toContain("still running");
  });
});
