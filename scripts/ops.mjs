// `npm run ops -- …`: the operator CLI (packages/cli), installing dependencies first when needed.
import { spawnSync } from "node:child_process";
import { ROOT, checkNode, ensureDependencies } from "./lib.mjs";

checkNode();
ensureDependencies();
const r = spawnSync(process.execPath, ["--import", "tsx", "packages/cli/src/main.ts", ...process.argv.slice(2)], { cwd: ROOT, stdio: "inherit" });
process.exit(r.status ?? 1);
