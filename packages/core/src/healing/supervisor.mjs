// The console's per-process supervisor (the `process` restart driver), in plain Node with no dependencies so
// it starts in milliseconds and outlives the worker that launched it, as a container monitor does.
//
//   node supervisor.mjs <status-file> <log-file> <program> [args…]
//
// It runs the program as its child in its own process group (the supervisor is the group leader), copies
// the child's stdout and stderr to the log file, keeps the last lines in memory, and writes the status file
// atomically: {state:"running", pid, supervisorPid, startedAt} once the child runs, then
// {state:"exited", code, signal, exitedAt, tail} when it ends. The worker watches the pid and reads the
// exit from the file, so an exit is seen with its code, its signal and its last words even when the worker
// that started the program has been restarted since.
import { spawn } from "node:child_process";
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";

const [statusFile, logFile, program, ...args] = process.argv.slice(2);
if (!statusFile || !logFile || !program) {
  process.stderr.write("usage: supervisor.mjs <status-file> <log-file> <program> [args…]\n");
  process.exit(2);
}

const TAIL_LINES = 200;
const TAIL_BYTES = 64 * 1024;
const log = openSync(logFile, "a");
const tail = [];
let partial = "";

function keep(chunk) {
  writeSync(log, chunk);
  const text = partial + chunk.toString("utf8");
  const lines = text.split("\n");
  partial = lines.pop() ?? "";
  if (partial.length > TAIL_BYTES) partial = partial.slice(-TAIL_BYTES);
  for (const l of lines) tail.push(l);
  while (tail.length > TAIL_LINES) tail.shift();
}

function writeStatus(status) {
  const tmp = `${statusFile}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(status)}\n`);
  renameSync(tmp, statusFile);
}

const base = { supervisorPid: process.pid, program, startedAt: new Date().toISOString() };
const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"], shell: false });
child.stdout.on("data", keep);
child.stderr.on("data", keep);

// Signals sent to the group reach the child too; the supervisor stays to record how the child ended.
for (const s of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, () => {});

child.once("error", (err) => {
  writeStatus({
    ...base,
    state: "exited",
    pid: null,
    code: null,
    signal: null,
    exitedAt: new Date().toISOString(),
    error: err.message,
    tail: [`${program}: ${err.message}`],
  });
  closeSync(log);
  process.exit(1);
});
child.once("spawn", () => writeStatus({ ...base, state: "running", pid: child.pid }));
child.once("exit", (code, signal) => {
  const exitedAt = new Date().toISOString();
  const finish = () => {
    if (partial) tail.push(partial);
    writeStatus({ ...base, state: "exited", pid: child.pid, code, signal, exitedAt, tail: tail.slice(-TAIL_LINES) });
    closeSync(log);
    process.exit(0);
  };
  // The last output may still be in the pipes; a grandchild holding them open must not delay the record.
  const timer = setTimeout(finish, 300);
  child.once("close", () => {
    clearTimeout(timer);
    finish();
  });
});
