import { describeStartupError } from "@ops/core";
import { openRuntime } from "./runtime.ts";
import { installSchedules, startWorkers } from "./worker.ts";

function log(msg: string, extra?: Record<string, unknown>) {
  const line = { time: new Date().toISOString(), level: "info", pid: process.pid, msg, ...extra };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main() {
  const rt = await openRuntime();
  await installSchedules(rt);
  const workers = startWorkers(rt, log);
  await rt.queues.maintenance.add("maintenance", {}, { jobId: `maintenance-boot-${Math.floor(Date.now() / 60_000)}` });
  log(`worker ready: probing ${rt.config.fleet.targets.filter((t) => t.enabled).length} targets every ${rt.config.monitoring.healthCheck.intervalSeconds} s`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: finishing running jobs`);
    await Promise.all(workers.map((w) => w.close()));
    await rt.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`${describeStartupError("worker", err)}\n`);
  process.exit(1);
});
