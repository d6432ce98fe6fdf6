import { existsSync } from "node:fs";
import { join } from "node:path";
import { NODE24, OPENCLAW, gatewayEnvironment } from "../../scripts/openclaw-gateway.mjs";

export { NODE24, OPENCLAW, OPENCLAW_HOME } from "../../scripts/openclaw-gateway.mjs";
export const OPENCLAW_INSTALLED = existsSync(NODE24) && existsSync(OPENCLAW);

/** A minimal loopback config: the target's port, its own log file, no update checks (OPENCLAW.md §2). */
export function gatewayConfig(port: number, dir: string): string {
  const config = {
    gateway: { mode: "local", port, bind: "loopback", auth: { mode: "token", token: `ops-e2e-${port}` } },
    logging: { file: join(dir, "gateway.jsonl") },
    update: { checkOnStart: false },
    telemetry: { enabled: false },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A `process`-driver restart for a gateway whose state, config and home are `dir` (never NODE_COMPILE_CACHE). */
export function gatewayRestart(dir: string, configPath: string) {
  return {
    driver: "process",
    argv: [NODE24, OPENCLAW, "gateway", "run"],
    cwd: dir,
    logFile: join(dir, "console-supervised.log"),
    env: gatewayEnvironment(dir, configPath),
  } as const;
}
