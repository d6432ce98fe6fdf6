import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AGENT_ENTRY, buildExecArgv } from "./child-runtime.ts";
import { DEFAULT_MS, PERSISTENT_FAULTS, type AgentState, type AgentView, type Fault, type FromAgent, type ToAgent } from "./types.ts";

const STOP_GRACE_MS = 5000;
const LISTEN_WAIT_MS = 20_000;
const STDERR_TAIL = 4096;

export type SimAgentOptions = {
  name: string;
  host: string;
  port: number;
  startupMs: number;
  dataDir: string;
  onEvent: (line: string) => void;
};

export class ConflictError extends Error {
  override name = "ConflictError";
}

/** One simulated gateway: owns its OS process, its faults and its keep-alive switch. */
export class SimAgent {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly logFile: string;
  readonly configFile: string;
  private readonly startupMs: number;
  private readonly onEvent: (line: string) => void;
  private child: ChildProcess | null = null;
  private startedAt: number | null = null;
  private state: AgentState = "stopped";
  private fault: Fault | null = null;
  private keepAlive = false;
  private spawns = 0;
  private lastExitCode: number | null = null;
  private lastSignal: string | null = null;
  private lastError: string | null = null;
  private stderrTail = "";
  private listening = false;
  private expectingExit = false;
  private disposed = false;
  private exitWaiters: Array<() => void> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: SimAgentOptions) {
    this.name = opts.name;
    this.host = opts.host;
    this.port = opts.port;
    this.startupMs = opts.startupMs;
    this.onEvent = opts.onEvent;
    this.logFile = join(opts.dataDir, "logs", `${opts.name}.log`);
    this.configFile = join(opts.dataDir, "state", opts.name, "openclaw.json");
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  readView(): AgentView {
    return {
      name: this.name,
      host: this.host,
      port: this.port,
      pid: this.pid,
      state: this.state,
      uptimeMs: this.startedAt === null ? null : Date.now() - this.startedAt,
      fault: this.fault,
      keepAlive: this.keepAlive,
      restarts: Math.max(0, this.spawns - 1),
      lastExitCode: this.lastExitCode,
      lastSignal: this.lastSignal,
      lastError: this.lastError,
      logFile: this.logFile,
      stateDir: dirname(this.configFile),
    };
  }

  /** Operations on one agent run one at a time, in order. */
  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  start(): Promise<AgentView> {
    return this.serialize(async () => {
      if (!this.child) await this.spawnChild();
      return this.readView();
    });
  }

  stop(): Promise<AgentView> {
    return this.serialize(async () => {
      await this.killChild();
      this.state = "stopped";
      return this.readView();
    });
  }

  restart(): Promise<AgentView> {
    return this.serialize(async () => {
      await this.killChild();
      await this.spawnChild();
      return this.readView();
    });
  }

  /** Stops for good: keep-alive can no longer bring it back. */
  dispose(): Promise<AgentView> {
    this.disposed = true;
    return this.stop();
  }

  setKeepAlive(enabled: boolean): Promise<AgentView> {
    return this.serialize(async () => {
      this.keepAlive = enabled;
      if (enabled && this.state === "crashed") await this.spawnChild();
      return this.readView();
    });
  }

  setFault(fault: Fault): Promise<AgentView> {
    return this.serialize(async () => {
      if (PERSISTENT_FAULTS.includes(fault.kind)) {
        this.fault = fault;
        // The broken install is the file itself: it stays broken until someone restores it.
        if (fault.kind === "badconfig") this.breakGatewayConfig();
        this.onEvent(`${this.name} fault ${fault.kind} set (persists across restarts)`);
        if (this.state !== "stopped") {
          await this.killChild();
          await this.spawnChild();
        }
        return this.readView();
      }
      const child = this.child;
      if (!child || !child.connected) throw new ConflictError(`agent "${this.name}" is ${this.state}; start it before injecting a ${fault.kind} fault`);
      this.fault = fault;
      this.onEvent(`${this.name} fault ${fault.kind} set`);
      const exited = fault.kind === "crash" && !fault.ms ? this.waitForExit(STOP_GRACE_MS) : null;
      this.sendToChild({ type: "fault", fault });
      if (exited && !(await exited) && this.child === child) child.kill("SIGKILL");
      if (exited) await this.waitForExit(STOP_GRACE_MS);
      return this.readView();
    });
  }

  clearFault(): Promise<AgentView> {
    return this.serialize(async () => {
      const was = this.fault;
      this.fault = null;
      if (was) this.onEvent(`${this.name} fault ${was.kind} cleared`);
      // Backward compatibility: clearing badconfig also puts a good openclaw.json back.
      if (was?.kind === "badconfig") this.writeGoodGatewayConfig();
      if (was && !PERSISTENT_FAULTS.includes(was.kind)) this.sendToChild({ type: "clear" });
      return this.readView();
    });
  }

  private sendToChild(msg: ToAgent): void {
    const child = this.child;
    if (child?.connected) child.send(msg, (err) => err && this.onEvent(`${this.name} ipc send failed: ${err.message}`));
  }

  private goodGatewayConfig(): string {
    const config = {
      gateway: { mode: "local", port: this.port, bind: "loopback", auth: { mode: "token", token: `sim-${this.name}` } },
      logging: { file: this.logFile },
      update: { checkOnStart: false },
      telemetry: { enabled: false },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
  }

  private writeGoodGatewayConfig(): void {
    mkdirSync(dirname(this.configFile), { recursive: true });
    writeFileSync(this.configFile, this.goodGatewayConfig());
  }

  /** A truncated file, as a crash mid-write leaves it. */
  private breakGatewayConfig(): void {
    mkdirSync(dirname(this.configFile), { recursive: true });
    writeFileSync(this.configFile, "{\n");
  }

  /**
   * Like a real gateway's openclaw.json, the file persists: it is written (good) only when missing, and
   * whatever is there is what the next start reads. A badconfig fault whose file was restored since (by
   * the console's restore, or by hand) is over.
   */
  private prepareGatewayConfig(): void {
    if (!existsSync(this.configFile)) this.writeGoodGatewayConfig();
    if (this.fault?.kind !== "badconfig") return;
    try {
      JSON.parse(readFileSync(this.configFile, "utf8"));
      this.onEvent(`${this.name} openclaw.json was restored: fault badconfig is over`);
      this.fault = null;
    } catch {
      // still broken: the start fails with 78, as it should
    }
  }

  private readStartupMs(): number {
    if (this.fault?.kind === "slowstart") return this.fault.ms ?? DEFAULT_MS.slowstart ?? 15_000;
    return this.startupMs;
  }

  private spawnChild(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.prepareGatewayConfig();
    const args = ["--name", this.name, "--host", this.host, "--port", String(this.port)];
    args.push("--startup-ms", String(this.readStartupMs()), "--log", this.logFile, "--config", this.configFile);
    // own process group: a Ctrl+C in the terminal reaches the supervisor, which stops agents in order
    const child = fork(AGENT_ENTRY, args, { execArgv: buildExecArgv(), stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true });
    this.child = child;
    this.spawns += 1;
    this.startedAt = Date.now();
    this.state = "starting";
    this.listening = false;
    this.expectingExit = false;
    this.stderrTail = "";
    child.stdout?.resume();
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("message", (msg: FromAgent) => {
      if (this.child !== child) return;
      if (msg.type === "listening") this.listening = true;
      else if (msg.type === "ready") this.state = "running";
    });
    child.on("error", (err) => this.onEvent(`${this.name} process error: ${err.message}`));
    child.on("close", (code, signal) => this.handleExit(child, code, signal));
    this.onEvent(`${this.name} pid ${child.pid ?? "?"} on ${this.host}:${this.port}`);
    return this.waitForListening(child);
  }

  private waitForListening(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("close", done);
        resolve();
      };
      const onMessage = (msg: FromAgent) => msg.type === "listening" && done();
      const timer = setTimeout(done, LISTEN_WAIT_MS);
      child.on("message", onMessage);
      child.once("close", done);
    });
  }

  private handleExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.startedAt = null;
    this.lastExitCode = code;
    this.lastSignal = signal;
    this.lastError = code === 0 || this.expectingExit ? null : this.stderrTail.trim() || null;
    if (this.fault && !PERSISTENT_FAULTS.includes(this.fault.kind)) this.fault = null;
    if (this.expectingExit) this.state = "stopped";
    else if (code === 78 || !this.listening) this.state = "failed";
    else this.state = "crashed";
    const how = signal ? `signal ${signal}` : `code ${code}`;
    this.onEvent(`${this.name} exited with ${how} (${this.state})`);
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w();
    if (this.state === "crashed" && this.keepAlive && !this.disposed) {
      this.onEvent(`${this.name} keep-alive: restarting`);
      void this.serialize(async () => {
        if (!this.child && this.state === "crashed" && this.keepAlive) await this.spawnChild();
      });
    }
  }

  /** Resolves true when the current child exits within `ms`, false on timeout; true at once when none runs. */
  private waitForExit(ms: number): Promise<boolean> {
    if (!this.child) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.expectingExit = true;
    const exited = this.waitForExit(STOP_GRACE_MS);
    child.kill("SIGTERM");
    if (await exited) return;
    this.onEvent(`${this.name} did not stop within ${STOP_GRACE_MS}ms; SIGKILL`);
    const killed = this.waitForExit(STOP_GRACE_MS);
    child.kill("SIGKILL");
    await killed;
  }

  /** Last resort when the supervisor itself is exiting: no waiting possible. */
  killNow(): void {
    this.disposed = true;
    const pid = this.child?.pid;
    if (pid !== undefined) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}
