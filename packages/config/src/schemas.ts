import { SloBody } from "@ops/contract";
import { z } from "zod";

const Name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits or '-', starting with a letter");
const Path = z.string().startsWith("/", "must start with '/'");
const Argv = z.array(z.string().min(1)).min(1, "needs at least the program name");

export const RestartDriver = z.discriminatedUnion("driver", [
  z.object({ driver: z.literal("simulator") }).strict(),
  z
    .object({
      driver: z.literal("process"),
      argv: Argv,
      cwd: z.string().optional(),
      env: z.record(z.string(), z.string()).optional(),
      logFile: z.string().optional(),
    })
    .strict(),
  z
    .object({
      driver: z.literal("command"),
      argv: Argv,
      /** Optional: how to stop and start the target, for runbooks that stop or start rather than restart. */
      stopArgv: Argv.optional(),
      startArgv: Argv.optional(),
    })
    .strict(),
  z.object({ driver: z.literal("docker"), container: z.string().min(1) }).strict(),
  z.object({ driver: z.literal("systemd"), unit: z.string().min(1) }).strict(),
  z.object({ driver: z.literal("http"), url: z.url(), method: z.enum(["POST", "PUT"]).default("POST") }).strict(),
  z.object({ driver: z.literal("none") }).strict(),
]);
export type RestartDriver = z.infer<typeof RestartDriver>;

export const TargetConfig = z
  .object({
    name: Name,
    displayName: z.string().min(1).optional(),
    kind: z.enum(["agent", "service"]),
    check: z.enum(["openclaw", "http", "tcp"]),
    baseUrl: z
      .string()
      .regex(/^(https?:\/\/[^/\s:]+(:\d{1,5})?(\/[^\s?#]*)?|tcp:\/\/[^/\s:]+:\d{1,5})$/, "must look like http://host:port[/prefix] or tcp://host:port"),
    probes: z
      .object({ live: Path, ready: Path.optional(), startup: Path.optional() })
      .strict()
      .optional(),
    restart: RestartDriver.default({ driver: "simulator" }),
    enabled: z.boolean().default(true),
    container: z.string().optional(),
    /** Where the agent keeps its state (for agent-state backups): a path on the worker's host, or inside the container for the docker driver. */
    stateDir: z.string().min(1).optional(),
    /**
     * How long a start or restart may take before it counts as timed out; while the process is alive and
     * /startupz or /readyz says starting, the ladder waits instead of restarting (default 180 s).
     */
    startTimeoutSeconds: z.number().int().min(5).max(3600).default(180),
    /** The target's own config file (e.g. its openclaw.json): the console keeps last-known-good copies of it and can restore one. */
    configPath: z.string().min(1).optional(),
    /** The argv that validates that config file (no shell); default for OpenClaw gateways: `openclaw config validate --json`. */
    configValidate: Argv.optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    const isTcp = t.baseUrl.startsWith("tcp://");
    if (t.check === "tcp" && !isTcp) ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "a tcp check needs a tcp://host:port URL" });
    if (t.check !== "tcp" && isTcp) ctx.addIssue({ code: "custom", path: ["baseUrl"], message: `a ${t.check} check needs an http(s):// URL` });
    if (isTcp && portOf(t.baseUrl) === null) ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "a tcp:// URL needs a port" });
  });
export type TargetConfig = z.infer<typeof TargetConfig>;

export const FleetConfig = z
  .object({
    simulator: z
      .object({
        controlUrl: z.url().default("http://127.0.0.1:8100"),
        startupMs: z.number().int().min(0).max(120_000).default(1500),
      })
      .strict()
      .default({ controlUrl: "http://127.0.0.1:8100", startupMs: 1500 }),
    targets: z.array(TargetConfig).min(1, "needs at least one target"),
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.targets.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["targets", i, "name"], message: `duplicate name "${t.name}" (also targets[${first}])` });
      else seen.set(t.name, i);
    });
    const ports = new Map<string, number>();
    f.targets.forEach((t, i) => {
      const key = `${hostOf(t.baseUrl)}:${portOf(t.baseUrl)}${pathOf(t.baseUrl)}`;
      const first = ports.get(key);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["targets", i, "baseUrl"], message: `${key} is also used by targets[${first}]` });
      else ports.set(key, i);
    });
  });
export type FleetConfig = z.infer<typeof FleetConfig>;

export function portOf(baseUrl: string): number | null {
  const m = /^[a-z]+:\/\/[^/\s:]+:(\d{1,5})/.exec(baseUrl);
  if (m) return Number(m[1]);
  if (baseUrl.startsWith("https://")) return 443;
  if (baseUrl.startsWith("http://")) return 80;
  return null;
}

export function pathOf(baseUrl: string): string {
  return baseUrl.replace(/^[a-z]+:\/\/[^/]+/, "").replace(/\/$/, "");
}

export function hostOf(baseUrl: string): string {
  return baseUrl.replace(/^[a-z]+:\/\//, "").replace(/[:/].*$/, "");
}

const Level = (unit: string, max: number) =>
  z
    .object({ warning: z.number().positive().max(max), critical: z.number().positive().max(max) })
    .strict()
    .refine((l) => l.warning < l.critical, { message: `warning must be below critical (${unit})`, path: ["warning"] });

const Off = { enabled: z.boolean().default(false) };
const HookUrl = z.string().refine((v) => v === "" || /^https?:\/\/\S+$/.test(v), "must be an http(s) URL");

export const AlertChannels = z
  .object({
    console: z.object(Off).strict().default({ enabled: true }),
    file: z.object({ ...Off, path: z.string().default(".data/logs/alerts.log") }).strict().optional(),
    webhook: z.object({ ...Off, url: HookUrl.default(""), headers: z.record(z.string(), z.string()).optional() }).strict().optional(),
    slack: z.object({ ...Off, url: HookUrl.default("") }).strict().optional(),
    feishu: z.object({ ...Off, url: HookUrl.default(""), secret: z.string().optional() }).strict().optional(),
    dingtalk: z.object({ ...Off, url: HookUrl.default(""), secret: z.string().optional() }).strict().optional(),
    email: z
      .object({
        ...Off,
        host: z.string().default(""),
        port: z.number().int().min(1).max(65535).default(587),
        secure: z.boolean().default(false),
        username: z.string().optional(),
        password: z.string().optional(),
        from: z.string().default(""),
        to: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const name of ["webhook", "slack", "feishu", "dingtalk"] as const) {
      const ch = c[name];
      if (ch?.enabled && !ch.url) ctx.addIssue({ code: "custom", path: [name, "url"], message: `an enabled ${name} channel needs a url` });
    }
    if (c.email?.enabled) {
      if (!c.email.host) ctx.addIssue({ code: "custom", path: ["email", "host"], message: "an enabled email channel needs an SMTP host" });
      if (!c.email.from) ctx.addIssue({ code: "custom", path: ["email", "from"], message: "an enabled email channel needs a from address" });
      if (c.email.to.length === 0) ctx.addIssue({ code: "custom", path: ["email", "to"], message: "an enabled email channel needs at least one recipient" });
    }
  });
export type AlertChannels = z.infer<typeof AlertChannels>;

export const MonitoringConfig = z
  .object({
    healthCheck: z
      .object({
        intervalSeconds: z.number().min(1).max(3600),
        timeoutMs: z.number().int().min(100).max(120_000),
        shardSize: z.number().int().min(1).max(10_000).default(250),
        concurrency: z.number().int().min(1).max(2_000).default(100),
      })
      .strict(),
    retention: z.object({ samplesDays: z.number().int().min(1).max(3650) }).strict(),
    /**
     * The availability objective postmortems measure impact against (99.9 % over 30 days: 43.2 min of budget), and
     * how often the worker rolls up samples and evaluates every SLO's burn-rate alerts (a minute: the 5-minute
     * window needs minute-fresh data).
     */
    slo: z
      .object({
        availabilityTarget: z.number().gt(0).lt(100),
        windowDays: z.number().int().min(1).max(366),
        evaluateEverySeconds: z.number().int().min(5).max(60).default(60),
      })
      .strict()
      .default({ availabilityTarget: 99.9, windowDays: 30, evaluateEverySeconds: 60 }),
    /**
     * SLOs kept as config (the same fields as POST /api/slos): each start reconciles them into the store by
     * name (created, changed or removed to match; SLOs made in the UI are left alone).
     */
    slos: z.array(SloBody).default([]),
    heartbeatTimeoutSeconds: z.number().min(1),
    /**
     * A dead-man's switch (Healthchecks.io, an Alertmanager watchdog, any URL): pinged after each probe cycle while
     * every shard reports, so something outside notices when the console itself stops watching.
     */
    deadMansSwitch: z
      .object({
        url: z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL").or(z.literal("")).default(""),
        /** Pinged instead while monitoring is stalled (Healthchecks.io: <url>/fail); empty: say nothing. */
        failUrl: z.string().regex(/^https?:\/\/\S+$/, "must be an http(s) URL").or(z.literal("")).default(""),
        method: z.enum(["GET", "POST"]).default("GET"),
        timeoutMs: z.number().int().min(100).max(30_000).default(5000),
      })
      .strict()
      .default({ url: "", failUrl: "", method: "GET", timeoutMs: 5000 }),
    thresholds: z
      .object({
        cpuPercent: Level("%", 100),
        memoryPercent: Level("%", 100),
        diskPercent: Level("%", 100),
        responseTimeMs: Level("ms", 600_000),
      })
      .strict(),
    alerting: z
      .object({
        cooldownMinutes: z.number().min(0),
        retry: z
          .object({ attempts: z.number().int().min(1).max(20), baseDelaySeconds: z.number().positive() })
          .strict()
          .default({ attempts: 6, baseDelaySeconds: 10 }),
        channels: AlertChannels,
      })
      .strict(),
    selfHealing: z
      .object({
        backoffSeconds: z.array(z.number().positive()).min(1),
        crashDecayHours: z.number().positive(),
        maxRestartsInWindow: z.number().int().positive(),
        restartWindowSeconds: z.number().positive(),
        escalateAfterMinutes: z.number().positive(),
        /** Ignored since the ladder waits for each start to end (healthy, failed or timed out); kept so older configs load. */
        startupGraceSeconds: z.number().min(0).max(3600).default(30),
        /** A target's config file is kept as last-known-good once the target has been ok this long (and the file validates). */
        configSnapshotAfterSeconds: z.number().min(1).max(86_400).default(60),
        gatewayResponseWarningMs: z.number().positive(),
        crashesPerHourError: z.number().int().positive(),
        memoryWarningBytes: z.number().int().positive(),
      })
      .strict(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const names = new Map<string, number>();
    m.slos.forEach((slo, i) => {
      const first = names.get(slo.name);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["slos", i, "name"], message: `"${slo.name}" is also the name of slos[${first}]` });
      else names.set(slo.name, i);
    });
    if (m.healthCheck.timeoutMs >= m.healthCheck.intervalSeconds * 1000) {
      ctx.addIssue({ code: "custom", path: ["healthCheck", "timeoutMs"], message: "must be shorter than the probe interval" });
    }
  });
export type MonitoringConfig = z.infer<typeof MonitoringConfig>;

const Cron = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron expression (minute hour day month weekday)");

const BackupType = z
  .object({
    enabled: z.boolean().default(true),
    schedule: Cron,
    retentionDays: z.number().int().min(1),
    minBackups: z.number().int().min(1),
    description: z.string().optional(),
    /** workspace: folders (relative to the repository root, or absolute) to archive. */
    paths: z.array(z.string().min(1)).optional(),
    /** database: other PostgreSQL databases to dump besides the console's own (postgres:// URLs). */
    databases: z.array(z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL")).optional(),
  })
  .strict();

export const BackupConfig = z
  .object({
    location: z.string().min(1),
    compression: z.enum(["gzip", "none"]).default("gzip"),
    types: z
      .object({
        database: BackupType,
        redis: BackupType,
        workspace: BackupType,
        agentState: BackupType,
        full: BackupType,
      })
      .strict(),
    cleanupSchedule: Cron,
  })
  .strict();
export type BackupConfig = z.infer<typeof BackupConfig>;

const Category = z
  .object({
    threshold: z.enum(["simple", "supermajority", "unanimous"]),
    timeoutMinutes: z.number().positive(),
    requires: z.array(z.string()).default([]),
    description: z.string().optional(),
    appliesTo: z.array(z.string()).default([]),
  })
  .strict();

export const GovernanceRules = z
  .object({
    eligibleVoters: z.array(z.string().min(1)).min(1),
    reviewers: z.record(z.string(), z.string()),
    categories: z
      .object({ operational: Category, tactical: Category, strategic: Category, emergency: Category })
      .strict(),
    ballotsVisible: z.boolean().default(true),
    participationQuorum: z.number().min(0).max(1).default(0),
    /** "governance-role": every active user with the governance role is a member too (by e-mail); "none": only the listed voters. */
    humanMembers: z.enum(["governance-role", "none"]).default("governance-role"),
  })
  .strict()
  .superRefine((g, ctx) => {
    for (const [name, cat] of Object.entries(g.categories)) {
      cat.requires.forEach((r, i) => {
        if (!(r in g.reviewers)) ctx.addIssue({ code: "custom", path: ["categories", name, "requires", i], message: `unknown reviewer duty "${r}" (define it under reviewers)` });
      });
    }
  });
export type GovernanceRules = z.infer<typeof GovernanceRules>;

export const CONFIG_FILES = {
  fleet: { file: "fleet.json", schema: FleetConfig },
  monitoring: { file: "monitoring-config.json", schema: MonitoringConfig },
  backup: { file: "backup-config.json", schema: BackupConfig },
  governance: { file: "governance-quorum-rules.json", schema: GovernanceRules },
} as const;
export type ConfigName = keyof typeof CONFIG_FILES;
