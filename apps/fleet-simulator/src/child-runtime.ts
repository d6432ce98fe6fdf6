import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export const AGENT_ENTRY = fileURLToPath(new URL("./agent.ts", import.meta.url));

const LOADER_FLAGS = new Set(["--import", "--loader", "--experimental-loader", "--require", "-r"]);

function isTsxSpecifier(value: string): boolean {
  return value === "tsx" || value.startsWith("tsx/") || /[/\\]node_modules[/\\]tsx[/\\]/.test(value);
}

/** True when the flags already load tsx, e.g. `node --import tsx` or the tsx CLI's own flags. */
export function loadsTsx(execArgv: readonly string[]): boolean {
  return execArgv.some((arg, i) => {
    const eq = arg.indexOf("=");
    if (eq > 0 && LOADER_FLAGS.has(arg.slice(0, eq))) return isTsxSpecifier(arg.slice(eq + 1));
    return LOADER_FLAGS.has(arg) && isTsxSpecifier(execArgv[i + 1] ?? "");
  });
}

/**
 * The node flags for an agent process: the parent's own flags, with the tsx loader added
 * when the parent runs TypeScript some other way (e.g. under vitest). Debugger flags are dropped
 * so children do not fight over the inspector port.
 */
export function buildExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const kept = parent.filter((a) => !a.startsWith("--inspect") && !a.startsWith("--debug"));
  if (loadsTsx(kept)) return kept;
  const loader = createRequire(import.meta.url).resolve("tsx");
  return [...kept, "--import", pathToFileURL(loader).href];
}
