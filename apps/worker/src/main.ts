import { OutboxRelay, describeStartupError, enqueue, guardConnectionRejections, runningProcesses, stopManagedProcess } from "@ops/core";
import { startExitWatcher } from "./jobs/exits.ts";
import { openRuntime, type WorkerRuntime } from "./runtime.ts";
import { installSchedules, startWorkers } from "./worker.ts";
import { keepSchedules } from "./schedules.ts";

function log(msg: string, extra?: Record<string, unknown>) {
  const line = { time: new Date().toISOString(), level: "info", pid: process.pid, msg, ...extra };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main() {
  guardConnectionRejections((msg) => log(msg));
  const rt = await openRuntime();
  await installSchedules(rt);
  const adopted = await runningProcesses(rt.db);
  for (const p of adopted) log(`adopted ${p.target}: pid ${p.pid} is still the process the console started`);
  const stopWatching = startExitWatcher(rt, log);
  const workers = startWorkers(rt, log);
  const stopKeeping = keepSchedules(rt, log);
  // Work staged in PostgreSQL while Redis was away (or by an API process that died) is sent from here too.
  const outbox = new OutboxRelay(rt.db.sql, rt.queues, (msg) => log(msg));
  outbox.start();
  await enqueue(rt.queues, "maintenance", {}, { jobId: `maintenance-boot-${Math.floor(Date.now() / 60_000)}` });
  log(`worker ready: probing ${rt.config.fleet.targets.filter((t) => t.enabled).length} targets every ${rt.config.monitoring.healthCheck.intervalSeconds} s`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log(`${signal}: finishing running jobs`);
    stopKeeping();
    await outbox.stop();
    await Promise.all(workers.map((w) => w.close()));
    await stopWatching();
    if (rt.env.OPS_STOP_PROCESSES_ON_EXIT) await stopProcesses(rt);
    await rt.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

/** Ctrl-C on npm start: stop the gateways this host runs for the console; the next start starts them again (not a crash). */
async function stopProcesses(rt: WorkerRuntime): Promise<void> {
  const running = await runningProcesses(rt.db);
  await Promise.all(
    running.map(async (p) => {
      const target = rt.config.fleet.targets.find((t) => t.name === p.target);
      if (!target) return;
      const r = await stopManagedProcess(rt.db, target, "console-shutdown");
      log(`${p.target}: ${r.output}`);
    }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${describeStartupError("worker", err)}\n`);
  process.exit(1);
});
