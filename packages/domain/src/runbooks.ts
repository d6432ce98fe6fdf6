import { z } from "zod";
import {
  RunbookSeverity,
  Status as TargetStatus,
  TargetKind,
  type HumanDecision,
  type ParamValue,
  type ParamValues,
  type Plan as ContractPlan,
  type PlanStep as ContractPlanStep,
  type RunStatus,
  type StepStatus,
} from "@ops/contract";
import { ROLES, type Role } from "./access.ts";

/**
 * Runbooks are data: versioned definitions with typed parameters and steps of typed actions. This module
 * holds their file format, the rules that turn a definition plus parameters into a concrete plan, and the
 * rules that decide what an executor does next. Nothing here performs I/O.
 */

const Ident = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be lowercase letters, digits or '-', starting with a letter");
const ParamName = z.string().regex(/^[a-z][a-zA-Z0-9]{0,40}$/, "must be a camelCase name starting with a lowercase letter");

/** A parameter value may be text the operator typed; only this much of it is allowed anywhere. */
export const SAFE_TEXT = "^[A-Za-z0-9 ._:/@,+=-]*$";

export const TARGET_STATUSES_ACCEPTED = ["ok", "warning", "critical", "down", "unknown"] as const;

const ParamCommon = {
  name: ParamName,
  label: z.string().min(1),
  description: z.string().optional(),
  required: z.boolean().default(true),
};

export const ParamSpec = z.discriminatedUnion("type", [
  z
    .object({ ...ParamCommon, type: z.literal("target"), kinds: z.array(TargetKind).min(1).default(["agent", "service"]), default: z.string().optional() })
    .strict(),
  z
    .object({
      ...ParamCommon,
      type: z.literal("enum"),
      values: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, "enum values are plain words")).min(1),
      default: z.string().optional(),
    })
    .strict(),
  z.object({ ...ParamCommon, type: z.literal("integer"), min: z.number().int(), max: z.number().int(), default: z.number().int().optional() }).strict(),
  z.object({ ...ParamCommon, type: z.literal("boolean"), default: z.boolean().optional() }).strict(),
  z
    .object({
      ...ParamCommon,
      type: z.literal("text"),
      pattern: z.string().default(SAFE_TEXT),
      maxLength: z.number().int().min(1).max(2000).default(200),
      default: z.string().optional(),
    })
    .strict(),
  z.object({ ...ParamCommon, type: z.literal("backup"), default: z.string().optional() }).strict(),
]);
export type ParamSpec = z.infer<typeof ParamSpec>;

/** A target field: a literal target name, `{{param}}` naming a target parameter, or `{{item}}` inside a forEach. */
const TargetRef = z.string().min(1);
/** Free text shown to people (notify, manual instructions, titles): `{{param}}` is interpolated. */
const Template = z.string().min(1);
const Statuses = z.array(z.enum(TARGET_STATUSES_ACCEPTED)).min(1);
export const BACKUP_KINDS = ["database", "redis", "workspace", "agent-state", "full"] as const;

/** A command argument: literal text, or one whole parameter value (never spliced into a larger string). */
export const CommandArg = z.union([z.string(), z.object({ param: ParamName }).strict()]);
export type CommandArg = z.infer<typeof CommandArg>;

export const ActionDef = z.discriminatedUnion("type", [
  z.object({ type: z.literal("restart-target"), target: TargetRef }).strict(),
  z.object({ type: z.literal("stop-target"), target: TargetRef }).strict(),
  z.object({ type: z.literal("start-target"), target: TargetRef }).strict(),
  z
    .object({
      type: z.literal("wait-healthy"),
      target: TargetRef,
      timeoutSeconds: z.number().int().min(1).max(3600).default(120),
      accept: Statuses.default(["ok", "warning"]),
    })
    .strict(),
  z.object({ type: z.literal("check-target"), target: TargetRef, expect: Statuses.default(["ok", "warning"]) }).strict(),
  z
    .object({
      type: z.literal("http-check"),
      target: TargetRef.optional(),
      path: z.string().startsWith("/", "must start with '/'").default("/"),
      url: z.url().optional(),
      expectStatus: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
      bodyIncludes: z.string().optional(),
      timeoutSeconds: z.number().int().min(1).max(120).default(10),
    })
    .strict()
    .refine((a) => (a.target === undefined) !== (a.url === undefined), { message: "give exactly one of target or url", path: ["target"] }),
  z.object({ type: z.literal("collect-evidence"), target: TargetRef }).strict(),
  z.object({ type: z.literal("backup"), kind: z.enum(BACKUP_KINDS) }).strict(),
  z.object({ type: z.literal("restore-backup"), kind: z.enum(BACKUP_KINDS), backup: z.string().min(1) }).strict(),
  z.object({ type: z.literal("notify"), level: z.enum(["warning", "error", "critical"]).default("warning"), message: Template }).strict(),
  z.object({ type: z.literal("pause-healing"), target: TargetRef }).strict(),
  z.object({ type: z.literal("resume-healing"), target: TargetRef }).strict(),
  z.object({ type: z.literal("manual"), instructions: Template }).strict(),
  z.object({ type: z.literal("wait"), seconds: z.number().int().min(1).max(3600) }).strict(),
  z.object({ type: z.literal("command"), command: Ident, args: z.array(CommandArg).default([]) }).strict(),
]);
export type ActionDef = z.infer<typeof ActionDef>;
export type ActionType = ActionDef["type"];

/**
 * Whether repeating a step whose executor died mid-way is harmless. Checks, waits and idempotent switches
 * are; anything that acts on the world a second time (restarting, restoring, running a command) is not.
 */
export const RETRY_SAFE: Record<ActionType, boolean> = {
  "restart-target": false,
  "stop-target": true,
  "start-target": true,
  "wait-healthy": true,
  "check-target": true,
  "http-check": true,
  "collect-evidence": true,
  backup: false,
  "restore-backup": false,
  notify: false,
  "pause-healing": true,
  "resume-healing": true,
  manual: true,
  wait: true,
  command: false,
};

/** The actions that change a target: a run holding one of these holds the target against other runs. */
const ACTS_ON_TARGET = new Set<ActionType>(["restart-target", "stop-target", "start-target", "pause-healing", "resume-healing"]);

const StepCommon = {
  id: Ident,
  title: Template,
  onFailure: z.enum(["stop", "continue"]).default("stop"),
  retrySafe: z.boolean().optional(),
};
export const LeafStep = z.object({ ...StepCommon, action: ActionDef }).strict();
export type LeafStep = z.infer<typeof LeafStep>;
export const ForEachStep = z
  .object({
    id: Ident,
    title: Template,
    /** `agents`, `services`, `all`: the enabled targets of that kind, in fleet order. */
    forEach: z.enum(["agents", "services", "all"]),
    /** Leave out targets by name (e.g. the triad last in a shutdown). */
    except: z.array(z.string()).default([]),
    steps: z.array(LeafStep).min(1),
  })
  .strict();
export const StepDef = z.union([ForEachStep, LeafStep]);
export type StepDef = z.infer<typeof StepDef>;

export const Confirmation = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }).strict(),
  /** A deliberate second click. */
  z.object({ type: z.literal("confirm") }).strict(),
  /** The operator types this phrase exactly (templates allowed, e.g. `{{agent}}`). */
  z.object({ type: z.literal("typed"), phrase: Template }).strict(),
]);
export type Confirmation = z.infer<typeof Confirmation>;

export const Procedure = z
  .object({
    id: Ident,
    title: z.string().min(1),
    description: z.string().min(1),
    role: z.enum(ROLES.filter((r) => r !== "viewer") as ["oncall", "governance", "admin"]).default("oncall"),
    confirmation: Confirmation.default({ type: "confirm" }),
    destructive: z.boolean().default(false),
    /** The statuses of its target this procedure is the one to reach for (offered first from a tile in that state). */
    suggestFor: z.array(TargetStatus).default([]),
    parameters: z.array(ParamSpec).default([]),
    steps: z.array(StepDef).min(1, "needs at least one step"),
  })
  .strict();
export type Procedure = z.infer<typeof Procedure>;

export const RunbookDef = z
  .object({
    id: Ident,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a semantic version like 1.2.0"),
    title: z.string().min(1),
    description: z.string().min(1),
    severity: RunbookSeverity,
    tags: z.array(z.string()).default([]),
    procedures: z.array(Procedure).min(1, "needs at least one procedure"),
  })
  .strict();
export type RunbookDef = z.infer<typeof RunbookDef>;

/** Allow-listed programs a `command` step may run: argv prefix fixed here, arguments from the step. */
export const CommandSpec = z
  .object({
    argv: z.array(z.string().min(1)).min(1, "needs at least the program name"),
    description: z.string().min(1),
    timeoutSeconds: z.number().int().min(1).max(3600).default(30),
  })
  .strict();
export const CommandAllowList = z.record(Ident, CommandSpec);
export type CommandSpec = z.infer<typeof CommandSpec>;
export type CommandAllowList = z.infer<typeof CommandAllowList>;

// ---------------------------------------------------------------------------------------------------------
// Checking a definition against itself (parameters referenced exist and have the right type).

export type DefinitionIssue = { path: (string | number)[]; message: string };

const WHOLE_REF = /^\{\{([a-zA-Z0-9]+)\}\}$/;
const ANY_REF = /\{\{([a-zA-Z0-9]+)\}\}/g;

function leafSteps(steps: StepDef[]): { step: LeafStep; path: (string | number)[]; inLoop: boolean }[] {
  const out: { step: LeafStep; path: (string | number)[]; inLoop: boolean }[] = [];
  steps.forEach((s, i) => {
    if ("forEach" in s) s.steps.forEach((c, j) => out.push({ step: c, path: ["steps", i, "steps", j], inLoop: true }));
    else out.push({ step: s, path: ["steps", i], inLoop: false });
  });
  return out;
}

function targetFieldOf(a: ActionDef): string | undefined {
  return "target" in a ? a.target : undefined;
}

/** Problems a loader reports with the file's line numbers: every reference must resolve. */
export function checkDefinition(def: RunbookDef, commands: CommandAllowList): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const seenProc = new Set<string>();
  def.procedures.forEach((p, pi) => {
    const base: (string | number)[] = ["procedures", pi];
    if (seenProc.has(p.id)) issues.push({ path: [...base, "id"], message: `duplicate procedure id "${p.id}"` });
    seenProc.add(p.id);
    const params = new Map(p.parameters.map((x) => [x.name, x]));
    if (params.size !== p.parameters.length) issues.push({ path: [...base, "parameters"], message: "parameter names must be unique" });
    for (const [i, spec] of p.parameters.entries()) {
      if (spec.type === "text") {
        try {
          new RegExp(spec.pattern);
        } catch {
          issues.push({ path: [...base, "parameters", i, "pattern"], message: "is not a valid regular expression" });
        }
      }
      if (spec.type === "integer" && spec.min > spec.max) issues.push({ path: [...base, "parameters", i, "min"], message: "must not exceed max" });
      if (spec.type === "enum" && spec.default !== undefined && !spec.values.includes(spec.default))
        issues.push({ path: [...base, "parameters", i, "default"], message: `must be one of ${spec.values.join(", ")}` });
    }
    const textRefs = (text: string, path: (string | number)[], inLoop: boolean) => {
      for (const m of text.matchAll(ANY_REF)) {
        const name = m[1]!;
        if (name === "item" && inLoop) continue;
        if (!params.has(name)) issues.push({ path, message: `refers to {{${name}}}, which is not a parameter of this procedure` });
      }
    };
    if (p.confirmation.type === "typed") textRefs(p.confirmation.phrase, [...base, "confirmation", "phrase"], false);
    const stepIds = new Set<string>();
    for (const { step, path, inLoop } of leafSteps(p.steps)) {
      const at = [...base, ...path];
      if (stepIds.has(step.id)) issues.push({ path: [...at, "id"], message: `duplicate step id "${step.id}"` });
      stepIds.add(step.id);
      textRefs(step.title, [...at, "title"], inLoop);
      const a = step.action;
      const target = targetFieldOf(a);
      if (target !== undefined) {
        const m = WHOLE_REF.exec(target);
        if (m) {
          const name = m[1]!;
          if (name === "item") {
            if (!inLoop) issues.push({ path: [...at, "action", "target"], message: "{{item}} is only defined inside forEach" });
          } else if (params.get(name)?.type !== "target") {
            issues.push({ path: [...at, "action", "target"], message: `{{${name}}} must name a parameter of type target` });
          }
        } else if (target.includes("{{")) {
          issues.push({ path: [...at, "action", "target"], message: "a target is a name or one whole {{parameter}}, not a template" });
        }
      }
      if (a.type === "notify") textRefs(a.message, [...at, "action", "message"], inLoop);
      if (a.type === "manual") textRefs(a.instructions, [...at, "action", "instructions"], inLoop);
      if (a.type === "restore-backup") {
        const m = WHOLE_REF.exec(a.backup);
        if (m && params.get(m[1]!)?.type !== "backup")
          issues.push({ path: [...at, "action", "backup"], message: `{{${m[1]}}} must name a parameter of type backup` });
        if (!m && a.backup !== "latest")
          issues.push({ path: [...at, "action", "backup"], message: 'must be "latest" or one whole {{parameter}} of type backup' });
      }
      if (a.type === "command") {
        if (!commands[a.command])
          issues.push({ path: [...at, "action", "command"], message: `"${a.command}" is not in the command allow-list (runbooks/commands.json)` });
        a.args.forEach((arg, ai) => {
          if (typeof arg === "string") {
            if (arg.includes("{{"))
              issues.push({ path: [...at, "action", "args", ai], message: 'arguments take a parameter as {"param": name}, never inside a string' });
          } else if (!params.has(arg.param)) {
            issues.push({ path: [...at, "action", "args", ai, "param"], message: `"${arg.param}" is not a parameter of this procedure` });
          }
        });
      }
    }
  });
  return issues;
}

// ---------------------------------------------------------------------------------------------------------
// Parameters the operator gave.

// The values, statuses and decisions the API exchanges are the contract's.
export type { HumanDecision, ParamValue, ParamValues, RunStatus, StepStatus };
export type FleetTarget = { name: string; kind: TargetKind; enabled: boolean };
export type ParamIssue = { field: string; message: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validate and normalise parameters; every problem names the field (`params.agent`). */
export function validateParams(
  specs: readonly ParamSpec[],
  input: Record<string, unknown>,
  fleet: readonly FleetTarget[],
): { ok: true; values: ParamValues } | { ok: false; issues: ParamIssue[] } {
  const issues: ParamIssue[] = [];
  const values: ParamValues = {};
  const known = new Set(specs.map((s) => s.name));
  for (const key of Object.keys(input)) if (!known.has(key)) issues.push({ field: `params.${key}`, message: "is not a parameter of this procedure" });
  for (const spec of specs) {
    const field = `params.${spec.name}`;
    const raw = input[spec.name] ?? spec.default;
    if (raw === undefined || raw === "") {
      if (spec.required) issues.push({ field, message: "is required" });
      continue;
    }
    switch (spec.type) {
      case "target": {
        const t = typeof raw === "string" ? fleet.find((x) => x.name === raw) : undefined;
        if (!t) issues.push({ field, message: `must be one of the configured targets (got ${JSON.stringify(raw).slice(0, 60)})` });
        else if (!spec.kinds.includes(t.kind)) issues.push({ field, message: `must be a ${spec.kinds.join(" or ")}; ${t.name} is a ${t.kind}` });
        else if (!t.enabled) issues.push({ field, message: `${t.name} is not monitored (enabled: false)` });
        else values[spec.name] = t.name;
        break;
      }
      case "enum":
        if (typeof raw !== "string" || !spec.values.includes(raw)) issues.push({ field, message: `must be one of ${spec.values.join(", ")}` });
        else values[spec.name] = raw;
        break;
      case "integer": {
        const n = typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw;
        if (typeof n !== "number" || !Number.isInteger(n)) issues.push({ field, message: "must be a whole number" });
        else if (n < spec.min || n > spec.max) issues.push({ field, message: `must be between ${spec.min} and ${spec.max}` });
        else values[spec.name] = n;
        break;
      }
      case "boolean":
        if (typeof raw !== "boolean") issues.push({ field, message: "must be true or false" });
        else values[spec.name] = raw;
        break;
      case "text":
        if (typeof raw !== "string") issues.push({ field, message: "must be text" });
        else if (raw.length > spec.maxLength) issues.push({ field, message: `must be at most ${spec.maxLength} characters` });
        else if (CONTROL.test(raw)) issues.push({ field, message: "must not contain control characters (newlines, tabs, escapes)" });
        else if (raw.startsWith("-")) issues.push({ field, message: "must not start with '-' (it would read as an option)" });
        else if (!new RegExp(spec.pattern).test(raw))
          issues.push({ field, message: `contains characters that are not allowed here (allowed: ${spec.pattern})` });
        else values[spec.name] = raw;
        break;
      case "backup":
        if (typeof raw !== "string" || !/^(latest|[A-Za-z0-9][A-Za-z0-9._-]{0,127})$/.test(raw))
          issues.push({ field, message: "must be \"latest\" or a backup id (letters, digits, '.', '_', '-')" });
        else values[spec.name] = raw;
        break;
    }
  }
  return issues.length ? { ok: false, issues } : { ok: true, values };
}

// ---------------------------------------------------------------------------------------------------------
// The plan: a definition with parameters resolved into concrete steps.

export type ResolvedAction = Exclude<ActionDef, { type: "command" }> | { type: "command"; command: string; argv: string[]; timeoutSeconds: number };

/** The contract's plan step (what the API sends), with the action typed as the domain resolves it. */
export type PlanStep = Omit<ContractPlanStep, "action"> & { action: ResolvedAction };

export type Plan = Omit<ContractPlan, "steps"> & { steps: PlanStep[] };

function interpolate(text: string, values: Record<string, ParamValue>): string {
  return text.replace(ANY_REF, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function resolveTarget(ref: string, values: Record<string, ParamValue>): string {
  const m = WHOLE_REF.exec(ref);
  return m ? String(values[m[1]!]) : ref;
}

function resolveAction(a: ActionDef, values: Record<string, ParamValue>, commands: CommandAllowList): ResolvedAction {
  switch (a.type) {
    case "notify":
      return { ...a, message: interpolate(a.message, values) };
    case "manual":
      return { ...a, instructions: interpolate(a.instructions, values) };
    case "restore-backup":
      return { ...a, backup: resolveTarget(a.backup, values) };
    case "command": {
      const spec = commands[a.command];
      if (!spec) throw new Error(`command ${a.command} is not allow-listed`);
      const args = a.args.map((x) => (typeof x === "string" ? x : String(values[x.param] ?? "")));
      return { type: "command", command: a.command, argv: [...spec.argv, ...args], timeoutSeconds: spec.timeoutSeconds };
    }
    default:
      return "target" in a && a.target !== undefined ? { ...a, target: resolveTarget(a.target, values) } : a;
  }
}

function loopItems(step: z.infer<typeof ForEachStep>, fleet: readonly FleetTarget[]): string[] {
  const kind = step.forEach === "agents" ? "agent" : step.forEach === "services" ? "service" : null;
  return fleet.filter((t) => t.enabled && (kind === null || t.kind === kind) && !step.except.includes(t.name)).map((t) => t.name);
}

/** How many steps the plan will have (loops expanded), before any parameter is known. */
export function planLength(proc: Procedure, fleet: readonly FleetTarget[]): number {
  return proc.steps.reduce((n, s) => n + ("forEach" in s ? loopItems(s, fleet).length * s.steps.length : 1), 0);
}

/** Expand loops and substitute parameters; the result is what a dry run shows and what a run executes. */
export function resolvePlan(proc: Procedure, values: ParamValues, fleet: readonly FleetTarget[], commands: CommandAllowList): Plan {
  const steps: PlanStep[] = [];
  const push = (s: LeafStep, vars: Record<string, ParamValue>, key: string) => {
    const action = resolveAction(s.action, vars, commands);
    const target = "target" in action && typeof action.target === "string" ? action.target : null;
    steps.push({
      index: steps.length,
      key,
      title: interpolate(s.title, vars),
      action,
      retrySafe: s.retrySafe ?? RETRY_SAFE[s.action.type],
      onFailure: s.onFailure,
      target,
    });
  };
  for (const s of proc.steps) {
    if ("forEach" in s) {
      for (const item of loopItems(s, fleet)) for (const c of s.steps) push(c, { ...values, item }, `${c.id}.${item}`);
    } else {
      push(s, values, s.id);
    }
  }
  const targets = [...new Set(steps.filter((s) => s.target !== null && ACTS_ON_TARGET.has(s.action.type)).map((s) => s.target!))];
  const confirmationPhrase = proc.confirmation.type === "typed" ? interpolate(proc.confirmation.phrase, values) : null;
  return { steps, targets, confirmationPhrase };
}

// ---------------------------------------------------------------------------------------------------------
// Who may run what.

/** A procedure names the role it needs; admins may run everything. */
export function mayRunProcedure(roles: readonly Role[], proc: Pick<Procedure, "role">): boolean {
  return roles.includes("admin") || roles.includes(proc.role);
}

export type ConfirmationCheck = { ok: true } | { ok: false; field: "confirmation"; message: string };

/** A typed confirmation must match exactly (case and spacing included): it is a deliberate act. */
export function checkConfirmation(
  proc: Pick<Procedure, "confirmation">,
  phrase: string | null,
  given: string | undefined,
  confirmed: boolean | undefined,
): ConfirmationCheck {
  if (proc.confirmation.type === "none") return { ok: true };
  if (proc.confirmation.type === "confirm")
    return confirmed === true || given !== undefined
      ? { ok: true }
      : { ok: false, field: "confirmation", message: "this procedure must be confirmed (confirm: true)" };
  if (given === undefined || given === "") return { ok: false, field: "confirmation", message: `type "${phrase}" to confirm` };
  if (given !== phrase) return { ok: false, field: "confirmation", message: `does not match; type "${phrase}" exactly to confirm` };
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------------------
// What an executor does next.

export const FINAL_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];

export type StepProgress = { index: number; status: StepStatus; retrySafe: boolean; onFailure: "stop" | "continue"; manual: boolean };

export type NextMove =
  /** Execute this step (fresh, or a retry-safe step the last executor did not finish). */
  | { kind: "execute"; index: number; resumed: boolean }
  /** The last executor died inside a step that is not safe to repeat: a person decides. */
  | { kind: "interrupted"; index: number }
  /** A manual step is pending: stop and wait for "continue". */
  | { kind: "ask-human"; index: number }
  /** Already waiting on a person for this step. */
  | { kind: "waiting"; index: number }
  | { kind: "finished"; outcome: "succeeded" | "failed" };

/**
 * The first step that is not done decides. Completed steps are never returned for execution, which is
 * what makes a resumed run safe: a step is marked running before it acts and done after.
 */
export function nextMove(steps: readonly StepProgress[]): NextMove {
  for (const s of steps) {
    switch (s.status) {
      case "succeeded":
      case "skipped":
        continue;
      case "failed":
        if (s.onFailure === "continue") continue;
        return { kind: "finished", outcome: "failed" };
      case "running":
        return s.retrySafe && !s.manual ? { kind: "execute", index: s.index, resumed: true } : { kind: "interrupted", index: s.index };
      case "waiting-for-human":
        return { kind: "waiting", index: s.index };
      case "pending":
        return s.manual ? { kind: "ask-human", index: s.index } : { kind: "execute", index: s.index, resumed: false };
    }
  }
  return { kind: "finished", outcome: runOutcome(steps).status };
}

/** A finished step as the outcome rule reads it; title and output only make the messages. */
export type FinishedStep = Pick<StepProgress, "index" | "status" | "onFailure"> & { title?: string | undefined; output?: string | undefined };

export type RunOutcome = {
  status: "succeeded" | "failed";
  /** Why the run failed: the first failing step that does not say `onFailure: continue`. */
  error: string | null;
  /** One per failed step that said `onFailure: continue`: the run went on, and so did its outcome. */
  warnings: string[];
};

/** The line of a step's output that says why it failed: the first one that is not the command echo or a resume note. */
export function failureLine(output: string | undefined, max = 200): string {
  const line = (output ?? "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("$ ") && !l.startsWith("resumed after the worker stopped"));
  if (!line) return "no output";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** "step 1 'Check health' failed (continued): connection refused" */
export function continuedWarning(s: FinishedStep): string {
  return `step ${s.index + 1}${s.title ? ` '${s.title}'` : ""} failed (continued): ${failureLine(s.output)}`;
}

/**
 * How a run ends: failed by the first failing step without `onFailure: continue`; otherwise succeeded, with a
 * warning for every step that failed and said `continue` (a check that failed while the gateway was down,
 * before the steps after it fixed it, does not make the run a failure).
 */
export function runOutcome(steps: readonly FinishedStep[]): RunOutcome {
  const warnings: string[] = [];
  for (const s of steps) {
    if (s.status !== "failed") continue;
    if (s.onFailure === "continue") {
      warnings.push(continuedWarning(s));
      continue;
    }
    return { status: "failed", error: `step ${s.index + 1} failed: ${s.title ?? "(untitled)"}`, warnings };
  }
  return { status: "succeeded", error: null, warnings };
}

/** "succeeded", "succeeded with 1 warning", "failed with 2 warnings", "cancelled". */
export function outcomeLabel(status: string, warnings: number): string {
  return warnings > 0 ? `${status} with ${warnings} warning${warnings === 1 ? "" : "s"}` : status;
}

/** What a person's decision on a waiting step turns it into; a manual step cannot be "retried". */
export function applyDecision(manual: boolean, decision: HumanDecision): StepStatus | { error: string } {
  if (decision === "done") return "succeeded";
  if (decision === "skip") return "skipped";
  return manual ? { error: 'a manual step is confirmed with "done" or skipped; there is nothing to retry' } : "pending";
}
