import { join } from "node:path";
import { z } from "zod";
import { ConfigError, DATA_DIR, EnvError, formatIssue, readEnv } from "@ops/config";
import { startSimulator } from "./simulator.ts";

const SimEnv = z.object({
  SIM_DATA_DIR: z.string().min(1).optional(),
  SIM_CONTROL_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SIM_STARTUP_MS: z.coerce.number().int().min(0).max(600_000).optional(),
});

function fail(message: string): never {
  process.stderr.write(`[sim] ${message}\n`);
  process.exit(1);
}

async function runMain(): Promise<void> {
  let configDir: string;
  try {
    configDir = readEnv().OPS_CONFIG_DIR;
  } catch (err) {
    if (err instanceof EnvError) fail(err.message);
    throw err;
  }
  const simEnv = SimEnv.safeParse(process.env);
  if (!simEnv.success) fail(`invalid environment: ${simEnv.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const { SIM_DATA_DIR, SIM_CONTROL_PORT, SIM_STARTUP_MS } = simEnv.data;

  const log = (line: string) => process.stdout.write(`[sim] ${line}\n`);
  let sim;
  try {
    sim = await startSimulator({
      configDir,
      dataDir: SIM_DATA_DIR ?? join(DATA_DIR, "simulator"),
      controlPort: SIM_CONTROL_PORT,
      startupMs: SIM_STARTUP_MS,
      onEvent: log,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`[sim] invalid fleet config:\n${err.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}\n`);
      process.exit(1);
    }
    fail(`cannot start: ${(err as Error).message}`);
  }
  if (sim.agents.size === 0) log("no targets use the simulator restart driver; only the control API runs");

  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    log(`${signal} received; stopping agents`);
    void sim.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

void runMain();
