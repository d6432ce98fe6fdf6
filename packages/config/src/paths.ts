import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start, "../../..");
    dir = parent;
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_CONFIG_DIR = join(REPO_ROOT, "config");
export const DATA_DIR = join(REPO_ROOT, ".data");

/** The fleet file as people should read it: `config/fleet.json` inside this checkout, else the full path (OPS_CONFIG_DIR). */
export function fleetFileLabel(configDir: string): string {
  const file = join(configDir, "fleet.json");
  const rel = relative(REPO_ROOT, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
