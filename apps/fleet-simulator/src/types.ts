import { z } from "zod";

export const FAULT_KINDS = ["crash", "hang", "slow", "error", "garbage", "degraded", "memory", "badconfig", "slowstart"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that model a broken install: they survive restarts until cleared. */
export const PERSISTENT_FAULTS: readonly FaultKind[] = ["badconfig", "slowstart"];

export const FaultBody = z
  .object({
    kind: z.enum(FAULT_KINDS, { error: () => `must be one of ${FAULT_KINDS.join(", ")}` }),
    ms: z
      .number({ error: () => "must be a positive integer (milliseconds)" })
      .int({ error: () => "must be a positive integer (milliseconds)" })
      .positive({ error: () => "must be a positive integer (milliseconds)" })
      .max(3_600_000, { error: () => "must be at most 3600000 (one hour)" })
      .optional(),
  })
  .strict();
export type Fault = z.infer<typeof FaultBody>;

export const KeepAliveBody = z.object({ enabled: z.boolean({ error: () => "must be true or false" }) }).strict();

export const DEFAULT_MS: Partial<Record<FaultKind, number>> = { slow: 6000, slowstart: 15_000, memory: 20_000 };

export type AgentState = "starting" | "running" | "stopped" | "crashed" | "failed";

export type AgentView = {
  name: string;
  host: string;
  port: number;
  pid: number | null;
  state: AgentState;
  uptimeMs: number | null;
  fault: Fault | null;
  keepAlive: boolean;
  restarts: number;
  lastExitCode: number | null;
  lastSignal: string | null;
  lastError: string | null;
  logFile: string;
  /** The agent's state directory (its openclaw.json and what it keeps): what an agent-state backup copies. */
  stateDir: string;
};

/** Messages from the supervisor to an agent process. */
export type ToAgent = { type: "fault"; fault: Fault } | { type: "clear" };
/** Messages from an agent process to the supervisor. */
export type FromAgent = { type: "listening" } | { type: "ready" };
