import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createProbeHandler, type AgentRuntime } from "./agent-http.ts";
import { createGatewayLog, type GatewayLog } from "./gateway-log.ts";
import { startMemoryHog, type MemoryHog } from "./memory-hog.ts";
import { createMetrics } from "./metrics.ts";
import type { Fault, FromAgent, ToAgent } from "./types.ts";

type AgentArgs = { name: string; host: string; port: number; startupMs: number; logFile: string; configFile: string };

function parseAgentArgs(argv: string[]): AgentArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      "startup-ms": { type: "string", default: "1500" },
      log: { type: "string" },
      config: { type: "string" },
    },
  });
  const port = Number(values.port);
  const startupMs = Number(values["startup-ms"]);
  if (!values.name || !values.log || !values.config || !Number.isInteger(port) || !Number.isInteger(startupMs)) {
    process.stderr.write("usage: agent.ts --name N --port P --log FILE --config FILE [--host H] [--startup-ms MS]\n");
    process.exit(2);
  }
  return { name: values.name, host: values.host, port, startupMs, logFile: values.log, configFile: values.config };
}

/** Returns the failure text the real gateway prints for a config it cannot use, or null when the config is fine. */
function checkGatewayConfig(file: string): { message: string } | null {
  if (!existsSync(file)) {
    return { message: "Missing config. Run `openclaw setup` or set gateway.mode=local (or pass --allow-unconfigured)." };
  }
  const text = readFileSync(file, "utf8");
  try {
    JSON.parse(text);
    return null;
  } catch {
    const lines = text.split("\n");
    const at = `${lines.length}:${(lines.at(-1) ?? "").length + 1}`;
    return {
      message: [
        `Gateway failed to start: Invalid config at ${file}:`,
        `<root>: JSON5 parse failed: SyntaxError: JSON5: invalid end of input at ${at}`,
        `Run "openclaw doctor --fix" to repair, then retry.`,
        "If startup is still blocked, inspect the adjacent .bak backup before restoring it manually.",
      ].join("\n"),
    };
  }
}

function sendToSupervisor(msg: FromAgent): void {
  if (process.send && process.connected) process.send(msg);
}

function exitWithFailure(log: GatewayLog, message: string, code: number): never {
  log.write("ERROR", "gateway", message, false);
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function runAgent(args: AgentArgs): void {
  const log = createGatewayLog(args.logFile);
  const bootAt = Date.now();
  log.write("INFO", "gateway", "loading configuration…");
  const configProblem = checkGatewayConfig(args.configFile);
  if (configProblem) exitWithFailure(log, configProblem.message, 78);

  const rt: AgentRuntime = { name: args.name, ready: false, fault: null, degradedSince: null, readMemoryPercent: null, hung: new Set() };
  const metrics = createMetrics(args.name);
  const probes = createProbeHandler(rt, metrics, log);
  let memoryHog: MemoryHog | null = null;

  const server = createServer({ keepAlive: true }, probes.handle);
  server.keepAliveTimeout = 30_000;
  server.on("error", (err: NodeJS.ErrnoException) => {
    const where = `${args.host}:${args.port}`;
    if (err.code === "EADDRINUSE") {
      exitWithFailure(
        log,
        `Gateway failed to start: another gateway instance is already listening on ws://${where} | listen EADDRINUSE: address already in use ${where} | EADDRINUSE\nPort ${args.port} is already in use.`,
        1,
      );
    }
    exitWithFailure(log, `Gateway failed to start: ${err.message}`, 1);
  });
  server.listen(args.port, args.host, () => {
    const secs = ((Date.now() - bootAt) / 1000).toFixed(1);
    log.write("INFO", "gateway", `http server listening (0 plugins; ${secs}s)`);
    log.write("INFO", "gateway", `log file: ${args.logFile}`);
    sendToSupervisor({ type: "listening" });
    setTimeout(() => {
      rt.ready = true;
      log.write("INFO", "gateway", "ready");
      sendToSupervisor({ type: "ready" });
    }, args.startupMs);
  });

  function clearFault(): void {
    const was = rt.fault;
    rt.fault = null;
    rt.degradedSince = null;
    rt.readMemoryPercent = null;
    memoryHog?.stop();
    memoryHog = null;
    if (was?.kind === "hang") probes.releaseHung();
  }

  function applyFault(fault: Fault): void {
    clearFault();
    rt.fault = fault;
    switch (fault.kind) {
      case "crash": {
        const die = () => {
          log.write("FATAL", "gateway", "Uncaught exception: Error: simulated crash (fault injected by the fleet simulator)");
          process.exit(1);
        };
        if (fault.ms) setTimeout(die, fault.ms);
        else die();
        return;
      }
      case "hang":
        log.write("WARN", "diagnostic", "event loop stalled: HTTP handlers are not answering");
        return;
      case "slow":
        log.write("WARN", "diagnostic", `slow request handling: responses take ~${fault.ms ?? 6000}ms`);
        return;
      case "error":
        log.write("ERROR", "gateway", "http handler failing: Error: simulated internal error");
        return;
      case "garbage":
        log.write("ERROR", "gateway", "response serializer failure: corrupt output on probe routes");
        return;
      case "degraded":
        rt.degradedSince = Date.now();
        log.write("WARN", "diagnostic", "event loop degraded: delay p99 850ms (event_loop_delay)");
        return;
      case "memory": {
        const from = metrics.readResources(null).memoryPercent;
        let warned = 0;
        memoryHog = startMemoryHog(from, fault.ms ?? 20_000, (p) => {
          const step = p >= 90 ? 90 : p >= 80 ? 80 : 0;
          if (step > warned) {
            warned = step;
            log.write(step >= 90 ? "ERROR" : "WARN", "diagnostic", `memory pressure: ${p.toFixed(1)}% of system memory in use`);
          }
        });
        rt.readMemoryPercent = memoryHog.readPercent;
        log.write("WARN", "diagnostic", "memory growth detected: heap keeps growing");
        return;
      }
      default:
        // badconfig and slowstart act on the next start; the supervisor handles them
        rt.fault = null;
    }
  }

  process.on("message", (msg: ToAgent) => {
    if (msg.type === "fault") applyFault(msg.fault);
    else if (msg.type === "clear") clearFault();
  });

  const shutdown = (signal: string) => {
    const t0 = Date.now();
    log.write("INFO", "gateway", `signal ${signal} received`);
    server.close();
    server.closeAllConnections();
    log.write("INFO", "shutdown", `completed cleanly in ${Date.now() - t0}ms`);
    process.exit(0);
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // never outlive the supervisor
  process.on("disconnect", () => {
    log.write("WARN", "lifecycle", "supervisor went away; shutting down");
    process.exit(0);
  });
  const parentPid = process.ppid;
  const hasIpc = typeof process.send === "function";
  // covers a parent that died before the disconnect listener existed
  setInterval(() => {
    if (process.ppid !== parentPid || (hasIpc && !process.connected)) process.exit(0);
  }, 1000).unref();
}

runAgent(parseAgentArgs(process.argv.slice(2)));
