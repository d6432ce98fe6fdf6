// Run a TypeScript entry point with tsx after making sure dependencies are installed.
import { spawnSync } from "node:child_process";
import { ROOT, checkNode, ensureDependencies } from "./lib.mjs";

checkNode();
ensureDependencies();
const [entry, ...args] = process.argv.slice(2);
const r = spawnSync(process.execPath, ["--import", "tsx", entry, ...args], { cwd: ROOT, stdio: "inherit" });
process.exit(r.status ?? 1);
