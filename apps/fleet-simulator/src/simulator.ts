import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { ConfigError, hostOf, loadConfigFile, portOf, type FleetConfig } from "@ops/config";
import { createControlServer } from "./control-api.ts";
import { SimAgent } from "./sim-agent.ts";

export type SimulatorOptions = {
  configDir: string;
  dataDir: string;
  /** Overrides the port of `fleet.simulator.controlUrl`; 0 picks a free one. */
  controlPort?: number;
  /** Overrides `fleet.simulator.startupMs`. */
  startupMs?: number;
  /** Lifecycle lines such as `alpha pid 1234 on 127.0.0.1:8002`; silent when omitted. */
  onEvent?: (line: string) => void;
};

export type Simulator = {
  controlUrl: string;
  agents: ReadonlyMap<string, SimAgent>;
  stop(): Promise<void>;
};

/** The targets the simulator plays: OpenClaw gateways whose restart driver is the simulator. */
export function selectSimulatedTargets(fleet: FleetConfig): FleetConfig["targets"] {
  return fleet.targets.filter((t) => t.restart.driver === "simulator" && t.check === "openclaw");
}

export function loadFleet(configDir: string): FleetConfig {
  const result = loadConfigFile(configDir, "fleet");
  if (!result.ok) throw new ConfigError(result.issues);
  return result.value;
}

/** Starts the control API and one OS process per simulated agent; resolves once every agent listens or has failed. */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const fleet = loadFleet(opts.configDir);
  const onEvent = opts.onEvent ?? (() => undefined);
  const startupMs = opts.startupMs ?? fleet.simulator.startupMs;
  const agents = new Map<string, SimAgent>();
  for (const t of selectSimulatedTargets(fleet)) {
    const port = portOf(t.baseUrl);
    if (port === null) continue;
    agents.set(t.name, new SimAgent({ name: t.name, host: hostOf(t.baseUrl), port, startupMs, dataDir: opts.dataDir, onEvent }));
  }

  const control = new URL(fleet.simulator.controlUrl);
  const controlHost = control.hostname.replace(/^\[|\]$/g, "");
  const server = createControlServer(agents);
  server.listen(opts.controlPort ?? Number(control.port || 80), controlHost);
  await Promise.race([once(server, "listening"), once(server, "error").then(([err]) => Promise.reject(err as Error))]);
  const { port: boundPort } = server.address() as AddressInfo;
  const hostPart = controlHost.includes(":") ? `[${controlHost}]` : controlHost;
  const controlUrl = `http://${hostPart}:${boundPort}`;

  const killAll = () => agents.forEach((a) => a.killNow());
  process.on("exit", killAll);

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all([...agents.values()].map((a) => a.dispose()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      process.off("exit", killAll);
    })();
    return stopping;
  };

  try {
    await Promise.all([...agents.values()].map((a) => a.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  onEvent(`control API on ${controlUrl}`);
  return { controlUrl, agents, stop };
}
