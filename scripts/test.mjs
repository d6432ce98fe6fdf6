// `npm test`: every test: type check, lint, unit and integration (real PostgreSQL and Redis), end-to-end
// (real processes and headless Chromium). Each test run makes its own database and Redis key prefix.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ROOT, bin, checkNode, ensureDependencies, fail, log, pnpm } from "./lib.mjs";

checkNode();
ensureDependencies();

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    log("setup", "installing Chromium from Debian's packages for the end-to-end tests");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    const r = spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0 || !existsSync(CHROMIUM)) fail("could not install chromium with apt-get");
  } else {
    fail(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH`);
  }
}

const pre = spawnSync(process.execPath, ["--import", "tsx", "packages/cli/src/preflight.ts", "test"], { cwd: ROOT, encoding: "utf8" });
if (pre.status !== 0) fail(pre.stderr.trim() || "preflight failed");

const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", CHROMIUM_PATH: CHROMIUM, FORCE_COLOR: process.stdout.isTTY ? "1" : "0" };
const steps = [
  {
    name: "type check",
    run: () =>
      spawnSync(bin("turbo"), ["run", "typecheck", "--concurrency=2", "--continue", "--output-logs=errors-only"], { cwd: ROOT, stdio: "inherit", env }),
  },
  {
    name: "lint",
    run: () => {
      const eslint = spawnSync(bin("eslint"), ["."], { cwd: ROOT, stdio: "inherit", env });
      const prettier = spawnSync(bin("prettier"), ["--check", ".", "--log-level=warn"], { cwd: ROOT, stdio: "inherit", env });
      return { status: eslint.status || prettier.status };
    },
  },
  { name: "unit + integration", run: () => spawnSync(bin("vitest"), ["run"], { cwd: ROOT, stdio: "inherit", env }) },
  { name: "dashboard build", run: () => ({ status: pnpm(["--filter", "@ops/web", "build"], { stdio: ["ignore", "ignore", "inherit"], env }) }) },
  { name: "end-to-end", run: () => spawnSync(bin("vitest"), ["run", "--config", "e2e/vitest.config.ts"], { cwd: ROOT, stdio: "inherit", env }) },
];

const only = process.argv.slice(2);
const results = [];
for (const step of steps) {
  if (only.length && !only.some((o) => step.name.includes(o))) continue;
  log("test", `── ${step.name} ──`);
  const started = Date.now();
  const r = step.run();
  const ok = r.status === 0;
  results.push({ name: step.name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (!ok && step.name === "dashboard build") break;
}
process.stdout.write("\n");
for (const r of results) process.stdout.write(`  ${r.ok ? "\x1b[32m✓\x1b[0m" : "\x1b[31m✗\x1b[0m"} ${r.name.padEnd(20)} ${r.seconds} s\n`);
const failed = results.filter((r) => !r.ok);
process.stdout.write(failed.length ? `\n${failed.length} step(s) failed\n` : "\nall tests passed\n");
process.exit(failed.length ? 1 : 0);
