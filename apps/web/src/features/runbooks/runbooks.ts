import type {
  ParamSpec,
  ParamValues,
  ProcedureRole,
  ProcedureView,
  ResolvedAction,
  RunbookSeverity,
  RunbookView,
  RunsQuery,
  RunStatus,
  RunSummary,
  RunView,
  StepStatus,
  StepView,
  TargetKind,
} from "@ops/contract";
import { DASH, elapsedSince } from "../../lib/format.ts";
import type { ServerFrame } from "@ops/contract";

export const PAGE_SIZE = 50;

/** The filters of `GET /api/runs` the views offer; all optional (paging is separate). */
export type RunFilter = Pick<RunsQuery, "status" | "runbook" | "target" | "incident">;

// ---------------------------------------------------------------------------------------------------------
// Words and ordering

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  succeeded: "Succeeded",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const STEP_STATUS_LABEL: Record<StepStatus, string> = {
  pending: "pending",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  skipped: "skipped",
  "waiting-for-human": "waiting for you",
};

export const ROLE_LABEL: Record<ProcedureRole, string> = { oncall: "on-call", governance: "governance", admin: "admin" };

export const SEVERITY_LABEL: Record<RunbookSeverity, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
  variable: "Variable",
};

/** Active runs come first (a person may be needed), then finished ones; the order of the status filter too. */
export const RUN_STATUS_RANK: Record<RunStatus, number> = { waiting: 0, running: 1, queued: 2, failed: 3, cancelled: 4, succeeded: 5 };

/** Every run status, in the order of the status filter. */
export const RUN_STATUSES = (Object.keys(RUN_STATUS_RANK) as RunStatus[]).sort((a, b) => RUN_STATUS_RANK[a] - RUN_STATUS_RANK[b]);

/** A status read from the URL (`?status=`). */
export function isRunStatus(v: unknown): v is RunStatus {
  return typeof v === "string" && Object.hasOwn(RUN_STATUS_RANK, v);
}

const FINISHED: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

export function isFinished(status: RunStatus): boolean {
  return FINISHED.has(status);
}

export function isActive(status: RunStatus): boolean {
  return !FINISHED.has(status);
}

/** Active before finished, waiting (needs a person) first; newest first within the same rank. */
export function compareRuns(a: RunSummary, b: RunSummary): number {
  return RUN_STATUS_RANK[a.status] - RUN_STATUS_RANK[b.status] || b.id - a.id;
}

export function sortRuns(list: readonly RunSummary[]): RunSummary[] {
  return [...list].sort(compareRuns);
}

/** Running, failed and waiting steps show their output unless folded away. */
export function expandedByDefault(status: StepStatus): boolean {
  return status === "running" || status === "failed" || status === "waiting-for-human";
}

// ---------------------------------------------------------------------------------------------------------
// Time

/** A stopwatch: "0:07", "12:34", "1:02:03". */
export function formatElapsed(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return DASH;
  const total = Math.floor(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

function between(from: string | null, to: string | null, now: number, running: boolean): number | null {
  if (!from) return null;
  const end = to ? Date.parse(to) : running ? now : NaN;
  const ms = elapsedSince(from, end);
  return ms == null || Number.isNaN(ms) ? null : Math.max(0, ms);
}

/** How long the run has been going (or took); a queued run counts from when it was created. */
export function runElapsed(run: Pick<RunSummary, "status" | "createdAt" | "startedAt" | "finishedAt">, now: number): number | null {
  const from = run.startedAt ?? run.createdAt;
  if (isFinished(run.status)) {
    if (!run.finishedAt) return run.startedAt ? null : 0;
    return between(from, run.finishedAt, now, false);
  }
  return between(from, null, now, true);
}

/** A step's duration; it keeps counting while the step runs or waits for a person. */
export function stepDuration(step: Pick<StepView, "status" | "startedAt" | "finishedAt">, now: number): number | null {
  return between(step.startedAt, step.finishedAt, now, step.status === "running" || step.status === "waiting-for-human");
}

// ---------------------------------------------------------------------------------------------------------
// Actions in words

const text = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter((x) => x !== "") : []);

function shellWord(w: string): string {
  return w === "" || /[\s'"\\$`]/.test(w) ? `'${w.replace(/'/g, "'\\''")}'` : w;
}

/** One line a person can check before running: "restart steward", "wait until steward is healthy (≤120 s)". */
export function describeAction(a: ResolvedAction): string {
  const target = text(a.target) || "?";
  switch (a.type) {
    case "restart-target":
      return `restart ${target}`;
    case "stop-target":
      return `stop ${target}`;
    case "start-target":
      return `start ${target}`;
    case "wait-healthy":
      return `wait until ${target} is healthy (≤${text(a.timeoutSeconds) || "120"} s)`;
    case "check-target": {
      const expect = list(a.expect);
      return `check that ${target} is ${expect.length ? expect.join(" or ") : "ok or warning"}`;
    }
    case "http-check": {
      const where = text(a.url) || `${target}${text(a.path) || "/"}`;
      const codes = list(a.expectStatus);
      const body = text(a.bodyIncludes);
      return `HTTP check ${where} expecting ${codes.length ? codes.join("/") : "200"}${body ? ` and "${body}"` : ""}`;
    }
    case "collect-evidence":
      return `collect evidence from ${target}`;
    case "backup":
      return `back up ${text(a.kind) || "?"}`;
    case "restore-backup":
      return `restore ${text(a.kind) || "?"} from backup ${text(a.backup) || "latest"}`;
    case "notify":
      return `notify (${text(a.level) || "warning"}): ${text(a.message)}`;
    case "pause-healing":
      return `pause self-healing for ${target}`;
    case "resume-healing":
      return `resume self-healing for ${target}`;
    case "manual":
      return `manual: ${text(a.instructions)}`;
    case "wait":
      return `wait ${text(a.seconds) || "?"} s`;
    case "command": {
      // Empty arguments are real arguments: keep them (quoted).
      const argv = Array.isArray(a.argv) ? a.argv.map(text) : [];
      return `run: ${argv.length ? argv.map(shellWord).join(" ") : text(a.command)}`;
    }
    default: {
      const { type, ...rest } = a;
      const details = Object.entries(rest)
        .filter(([, v]) => v !== undefined && v !== null && v !== "")
        .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
      return details.length ? `${type} (${details.join(", ")})` : type;
    }
  }
}

export function isManual(step: Pick<StepView, "action">): boolean {
  return step.action.type === "manual";
}

/** What a person may decide on a step waiting for them: a manual step is done or skipped; an interrupted one may also be retried. */
export function decisionsFor(step: Pick<StepView, "status" | "action">): ("done" | "retry" | "skip")[] {
  if (step.status !== "waiting-for-human") return [];
  return isManual(step) ? ["done", "skip"] : ["retry", "done", "skip"];
}

// ---------------------------------------------------------------------------------------------------------
// Catalogue

function haystack(rb: RunbookView): string {
  return [rb.id, rb.title, rb.description, ...rb.tags, ...rb.procedures.flatMap((p) => [p.id, p.title])].join("\n").toLowerCase();
}

/** Every word of the query must appear in the title, description, tags or procedure titles. */
export function filterRunbooks(runbooks: readonly RunbookView[], query: string): RunbookView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...runbooks];
  return runbooks.filter((rb) => {
    const h = haystack(rb);
    return words.every((w) => h.includes(w));
  });
}

export function roleNote(p: Pick<ProcedureView, "role">): string {
  return `needs ${ROLE_LABEL[p.role]}`;
}

// ---------------------------------------------------------------------------------------------------------
// Run context carried in the URL (?agent=steward&incident=4)

export type RunContext = { agent: string | null; target: string | null; incident: number | null };

export function runContext(search: string | URLSearchParams): RunContext {
  const q = typeof search === "string" ? new URLSearchParams(search) : search;
  const inc = q.get("incident") ?? "";
  const id = /^\d{1,15}$/.test(inc) ? Number(inc) : null;
  return { agent: q.get("agent") || null, target: q.get("target") || null, incident: id && id > 0 ? id : null };
}

/** "steward / incident #4", or null with nothing to say. */
export function contextLabel(ctx: RunContext): string | null {
  const parts = [ctx.agent ?? ctx.target, ctx.incident != null ? `incident #${ctx.incident}` : null].filter((x): x is string => !!x);
  return parts.length ? parts.join(" / ") : null;
}

// ---------------------------------------------------------------------------------------------------------
// From a target: the procedures that act on it, the one that fits its state first (issue 17, item 4)

export type TargetOffer = { runbook: RunbookView; procedure: ProcedureView; suggested: boolean };

const CONFIRMATION_WEIGHT = { none: 0, confirm: 1, typed: 2 } as const;

/**
 * The procedures that take this target as a parameter (a `target` parameter whose kinds include its kind), ordered:
 * those suggested for its status first, then the gentle before the destructive, then the lighter confirmation, then
 * the catalogue's order. A procedure acting on the whole fleet (no target parameter) is not offered here.
 */
export function proceduresForTarget(runbooks: readonly RunbookView[], target: { kind: string; status: string }): TargetOffer[] {
  const offers: (TargetOffer & { order: number })[] = [];
  for (const runbook of runbooks) {
    for (const procedure of runbook.procedures) {
      const takesIt = procedure.parameters.some((p) => p.type === "target" && (!p.kinds?.length || (p.kinds as readonly string[]).includes(target.kind)));
      if (!takesIt) continue;
      offers.push({ runbook, procedure, suggested: (procedure.suggestFor as readonly string[]).includes(target.status), order: offers.length });
    }
  }
  return offers
    .sort(
      (a, b) =>
        Number(b.suggested) - Number(a.suggested) ||
        Number(a.procedure.destructive) - Number(b.procedure.destructive) ||
        CONFIRMATION_WEIGHT[a.procedure.confirmation.type] - CONFIRMATION_WEIGHT[b.procedure.confirmation.type] ||
        a.order - b.order,
    )
    .map(({ order: _order, ...offer }) => offer);
}

// ---------------------------------------------------------------------------------------------------------
// The run form

/** What the form holds: text for everything but booleans. */
export type FormValues = Record<string, string | boolean>;
export type FleetEntry = { name: string; kind: TargetKind; enabled?: boolean };

function fromQuery(spec: ParamSpec, raw: string): string | boolean | undefined {
  if (spec.type === "boolean") {
    const v = raw.toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    return undefined;
  }
  return raw;
}

function fits(spec: ParamSpec, name: string, fleet: readonly FleetEntry[] | undefined): boolean {
  if (spec.type !== "target" || !fleet) return true;
  const t = fleet.find((x) => x.name === name);
  return !t || spec.kinds.includes(t.kind);
}

/**
 * Initial form values: defaults, overridden by the URL (`?agent=steward` fills a parameter named agent).
 * With exactly one target parameter, `?target=` fills it too, and so does `?agent=` (the board's link)
 * when the agent's kind fits.
 */
export function prefillParams(specs: readonly ParamSpec[], search: string | URLSearchParams, fleet?: readonly FleetEntry[]): FormValues {
  const q = typeof search === "string" ? new URLSearchParams(search) : search;
  const out: FormValues = {};
  const fromUrl = new Set<string>();
  for (const spec of specs) {
    const raw = q.get(spec.name);
    const v = raw != null && raw !== "" ? fromQuery(spec, raw) : undefined;
    if (v !== undefined) {
      out[spec.name] = v;
      fromUrl.add(spec.name);
    } else if (spec.type === "boolean") {
      out[spec.name] = spec.default ?? false;
    } else {
      out[spec.name] = spec.default === undefined ? "" : String(spec.default);
    }
  }
  const targets = specs.filter((s) => s.type === "target");
  const only = targets.length === 1 ? targets[0] : undefined;
  if (only && !fromUrl.has(only.name)) {
    const pick = [q.get("target"), q.get("agent")].find((v): v is string => !!v && fits(only, v, fleet));
    if (pick) out[only.name] = pick;
  }
  return out;
}

/** The request's params: empty fields are left out (the server applies defaults or says what is required). */
export function toParamValues(specs: readonly ParamSpec[], values: FormValues): ParamValues {
  const out: ParamValues = {};
  for (const spec of specs) {
    const v = values[spec.name];
    if (spec.type === "boolean") {
      out[spec.name] = v === true;
      continue;
    }
    if (typeof v !== "string" || v === "") continue;
    if (spec.type === "integer") {
      const t = v.trim();
      out[spec.name] = /^-?\d+$/.test(t) ? Number(t) : v;
    } else {
      out[spec.name] = v;
    }
  }
  return out;
}

/** `params.agent` → "agent"; other fields give null. */
export function paramOfField(field: string | undefined): string | null {
  return field?.startsWith("params.") ? field.slice("params.".length) || null : null;
}

/** A parameter value for people: "yes"/"no" for booleans. */
export function formatParam(v: unknown): string {
  if (v === true) return "yes";
  if (v === false) return "no";
  return text(v);
}

// ---------------------------------------------------------------------------------------------------------
// Lists: query strings, paging and live updates

export function runsQuery(filter: RunFilter, before?: number, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filter.status) q.set("status", filter.status);
  if (filter.runbook) q.set("runbook", filter.runbook);
  if (filter.target) q.set("target", filter.target);
  if (filter.incident != null) q.set("incident", String(filter.incident));
  q.set("limit", String(limit));
  if (before !== undefined) q.set("before", String(before));
  return q.toString();
}

export function matchesRunFilter(run: RunSummary, filter: RunFilter): boolean {
  if (filter.status && run.status !== filter.status) return false;
  if (filter.runbook && run.runbookId !== filter.runbook) return false;
  if (filter.target && !run.targets.includes(filter.target)) return false;
  if (filter.incident != null && run.incidentId !== filter.incident) return false;
  return true;
}

/** The summary part of a run (lists do not keep steps). */
export function toSummary(run: RunSummary | RunView): RunSummary {
  if (!("steps" in run)) return run;
  const { steps: _steps, ...summary } = run;
  return summary;
}

/**
 * A cached, newest-first list after a run changed: replaced in place, dropped when it no longer matches
 * the filter, or inserted by id when it newly does. Same array when nothing changed.
 */
export function upsertRun(list: readonly RunSummary[] | undefined, run: RunSummary, filter: RunFilter, limit?: number): RunSummary[] | undefined {
  if (!list) return undefined;
  const at = list.findIndex((x) => x.id === run.id);
  const matches = matchesRunFilter(run, filter);
  if (at !== -1) {
    const next = [...list];
    if (matches) next[at] = run;
    else next.splice(at, 1);
    return next;
  }
  if (!matches) return list as RunSummary[];
  const pos = list.findIndex((x) => x.id < run.id);
  const next = [...list];
  next.splice(pos === -1 ? next.length : pos, 0, run);
  return limit !== undefined ? next.slice(0, limit) : next;
}

export type RunPage = { runs: RunSummary[]; next: number | undefined };

/** The `before` cursor for the next page; none once a page comes back short. */
export function nextBefore(page: readonly RunSummary[], limit = PAGE_SIZE): number | undefined {
  if (page.length < limit) return undefined;
  return page[page.length - 1]?.id;
}

/** The same for paged lists: a run older than every loaded page is left for "load more" unless all is loaded. */
export function upsertRunPages(pages: readonly RunPage[], run: RunSummary, filter: RunFilter): RunPage[] {
  const found = pages.findIndex((p) => p.runs.some((x) => x.id === run.id));
  if (found !== -1) {
    return pages.map((p, n) => (n === found ? { ...p, runs: upsertRun(p.runs, run, filter) ?? [] } : p));
  }
  if (!matchesRunFilter(run, filter)) return pages as RunPage[];
  let target = pages.findIndex((p) => p.runs.some((x) => x.id < run.id));
  const last = pages[pages.length - 1];
  if (target === -1 && last && last.next === undefined) target = pages.length - 1;
  if (target === -1) return pages as RunPage[];
  return pages.map((p, n) => (n === target ? { ...p, runs: upsertRun(p.runs, run, filter) ?? [] } : p));
}

/** Pages flattened, without the duplicates a race between a fetch and a push could leave. */
export function flattenRunPages(pages: readonly RunPage[] | undefined): RunSummary[] {
  const seen = new Set<number>();
  const out: RunSummary[] = [];
  for (const p of pages ?? []) {
    for (const r of p.runs) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push(r);
    }
  }
  return out;
}

/** The cached run detail after a `run.updated` frame: the summary merged, the step with the same index replaced. */
export function mergeRunDetail(detail: RunView, summary: RunSummary, step: StepView | null): RunView {
  let steps = detail.steps;
  if (step) {
    const at = steps.findIndex((s) => s.index === step.index);
    steps = at === -1 ? [...steps, step].sort((a, b) => a.index - b.index) : steps.map((s, n) => (n === at ? step : s));
  }
  return { ...detail, ...toSummary(summary), steps };
}

export type RunFrame = { run: RunSummary; step: StepView | null };

/** The run and step in a `run.updated` frame (the API sends the contract's shapes); null for other frames. */
export function runFromFrame(frame: ServerFrame): RunFrame | null {
  return frame.type === "run.updated" ? { run: toSummary(frame.run), step: frame.step } : null;
}

/** "1 warning", "2 warnings"; empty when there are none. */
export function warningsLabel(warnings: readonly string[] | undefined): string {
  const n = warnings?.length ?? 0;
  return n === 0 ? "" : `${n} warning${n === 1 ? "" : "s"}`;
}

/** "Succeeded", "Succeeded with 1 warning" (a step that said `onFailure: continue` failed), "Failed". */
export function outcomeText(run: Pick<RunSummary, "status" | "warnings">): string {
  const w = warningsLabel(run.warnings);
  return w ? `${RUN_STATUS_LABEL[run.status]} with ${w}` : RUN_STATUS_LABEL[run.status];
}

/** "step 3 of 7", "7 of 7 steps". */
export function progressLabel(run: Pick<RunSummary, "status" | "stepCount" | "doneSteps" | "currentStep">): string {
  if (isActive(run.status) && run.currentStep != null) return `step ${run.currentStep + 1} of ${run.stepCount}`;
  return `${run.doneSteps} of ${run.stepCount} steps`;
}

/** The run form's query for running the same procedure again with the same parameters (and incident). */
export function rerunSearch(run: Pick<RunSummary, "params" | "incidentId">): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(run.params)) q.set(k, String(v));
  if (run.incidentId != null) q.set("incident", String(run.incidentId));
  const s = q.toString();
  return s ? `?${s}` : "";
}
