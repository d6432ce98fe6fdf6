// Shared by the two README commands. Plain Node, no dependencies: it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM_VERSION = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).packageManager.split("@")[1];
const TOOLS = join(ROOT, ".tools");
const PNPM_CJS = join(TOOLS, "node_modules", "pnpm", "bin", "pnpm.cjs");

// turbo and workspace scripts look for pnpm on PATH: the one in .tools/ comes first.
process.env.PATH = `${join(TOOLS, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;

export function log(part, message) {
  process.stdout.write(`\x1b[1m[${part}]\x1b[0m ${message}\n`);
}

export function fail(message) {
  process.stderr.write(`\n\x1b[31merror:\x1b[0m ${message}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", ...opts });
  if (r.error) fail(`${cmd} could not run: ${r.error.message}`);
  return r.status ?? 1;
}

export function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.versions.node} is too old: OpenClaw Ops needs Node 20.19 or newer.`);
}

/** pnpm is installed into .tools/ with npm, so a fresh machine needs nothing by hand and nothing global changes. */
export function ensurePnpm() {
  if (existsSync(PNPM_CJS)) {
    const installed = JSON.parse(readFileSync(join(TOOLS, "node_modules", "pnpm", "package.json"), "utf8")).version;
    if (installed === PNPM_VERSION) return;
  }
  log("setup", `installing pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(TOOLS, { recursive: true });
  writeFileSync(join(TOOLS, "package.json"), '{ "private": true }\n');
  const status = run("npm", ["install", "--prefix", TOOLS, "--no-audit", "--no-fund", "--loglevel=error", `pnpm@${PNPM_VERSION}`]);
  if (status !== 0 || !existsSync(PNPM_CJS)) fail("could not install pnpm with npm (is the npm registry reachable?)");
}

export function pnpm(args, opts = {}) {
  return run(process.execPath, [PNPM_CJS, ...args], opts);
}

/** Install dependencies when the lockfile or a package.json changed since the last install. */
export function ensureDependencies() {
  ensurePnpm();
  const stampFile = join(ROOT, "node_modules", ".ops-install-stamp");
  const h = createHash("sha256");
  for (const f of ["pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml"]) {
    if (existsSync(join(ROOT, f))) h.update(readFileSync(join(ROOT, f)));
  }
  const stamp = h.digest("hex");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return;
  log("setup", "installing dependencies with pnpm");
  const frozen = existsSync(join(ROOT, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  if (pnpm(["install", ...frozen, "--reporter=append-only"]) !== 0) fail("pnpm install failed (see above)");
  writeFileSync(stampFile, stamp);
}

export function bin(name) {
  return join(ROOT, "node_modules", ".bin", name);
}
