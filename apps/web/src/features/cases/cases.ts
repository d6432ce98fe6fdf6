import { DASH } from "../../lib/format.ts";
import type { CaseAction, CaseBody, DiagnosisOutcome, DiagnosisView } from "@ops/contract";

export type ActionType = CaseAction["type"];

export const ACTION_LABEL: Record<ActionType, string> = {
  restart: "Restart",
  "restore-config": "Restore config",
  wait: "Wait",
  "wait-healthy": "Wait until healthy",
  notify: "Notify",
};

/** Every action type, in the order the editor offers them. */
export const ACTION_TYPES = Object.keys(ACTION_LABEL) as readonly ActionType[];

export const OUTCOME_LABEL: Record<DiagnosisOutcome, string> = {
  running: "Running",
  fixed: "Fixed",
  "not-fixed": "Not fixed",
  "no-match": "No match",
  unsure: "Unsure",
};

/** "restart", "wait 30 s", "wait healthy 60 s", "notify “on-call paged”". */
export function summarizeAction(a: CaseAction): string {
  switch (a.type) {
    case "restart":
      return "restart";
    case "restore-config":
      return "restore config";
    case "wait":
      return `wait ${a.seconds} s`;
    case "wait-healthy":
      return `wait healthy ${a.timeoutSeconds} s`;
    case "notify":
      return a.message.trim() ? `notify “${a.message.trim()}”` : "notify";
  }
}

/** "restore config → restart → wait healthy 60 s". */
export function summarizeActions(actions: readonly CaseAction[] | null | undefined): string {
  if (!actions || actions.length === 0) return DASH;
  return actions.map(summarizeAction).join(" → ");
}

/** "87 %"; confidence arrives as 0..1. */
export function formatConfidence(c: number | null | undefined): string {
  if (c == null || !Number.isFinite(c)) return DASH;
  return `${Math.round(Math.min(1, Math.max(0, c)) * 100)} %`;
}

/** Comma-separated input → trimmed, non-empty, de-duplicated keywords (case-insensitively, first spelling kept). */
export function parseKeywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const k = raw.trim();
    if (!k || seen.has(k.toLowerCase())) continue;
    seen.add(k.toLowerCase());
    out.push(k);
  }
  return out;
}

export function formatKeywords(keywords: readonly string[]): string {
  return keywords.join(", ");
}

/** Words of a signature longer than 3 letters, lower-cased, in order, without duplicates. */
export function suggestKeywords(signature: string | null | undefined, max = 8): string[] {
  if (!signature) return [];
  const words = signature.toLowerCase().match(/[\p{L}][\p{L}\p{N}_-]*/gu) ?? [];
  const out: string[] = [];
  for (const w of words) {
    const word = w.replace(/[-_]+$/, "");
    if (word.length <= 3 || out.includes(word)) continue;
    out.push(word);
    if (out.length >= max) break;
  }
  return out;
}

export function canAddCaseFrom(d: Pick<DiagnosisView, "outcome">): boolean {
  return d.outcome === "no-match" || d.outcome === "not-fixed" || d.outcome === "unsure";
}

/** What the doctor did, in one sentence a person can act on. */
export function diagnosisVerdict(d: Pick<DiagnosisView, "outcome" | "caseId"> & Partial<Pick<DiagnosisView, "candidates">>): string {
  const n = d.candidates?.length ?? 0;
  switch (d.outcome) {
    case "running":
      return `Applying ${d.caseId ?? "a case"}'s fix now.`;
    case "fixed":
      return `${d.caseId ?? "The case"}'s fix worked: the target is healthy again.`;
    case "not-fixed":
      return `${d.caseId ?? "The case"}'s fix did not bring it back: people were alerted.`;
    case "no-match":
      return "No case in the library fits this failure: people were alerted.";
    case "unsure":
      return n > 1
        ? `The doctor did not act: ${n} cases fit and none clearly enough. Pick one below (or a runbook) and act by hand.`
        : "The doctor did not act: the only fitting case matched too weakly. Check it below before acting by hand.";
    default:
      return "";
  }
}

export const DEFAULT_ACTIONS: readonly CaseAction[] = [{ type: "restart" }, { type: "wait-healthy", timeoutSeconds: 60 }];

export function emptyCase(): CaseBody {
  return { title: "", errorCode: "CUSTOM", signature: null, keywords: [], solution: "", actions: DEFAULT_ACTIONS.map((a) => ({ ...a })) };
}

export function caseFromDiagnosis(d: Pick<DiagnosisView, "signature">): CaseBody {
  return { ...emptyCase(), signature: d.signature, keywords: suggestKeywords(d.signature) };
}

/** A fresh action of the given type with sensible parameters. */
export function newAction(type: ActionType): CaseAction {
  switch (type) {
    case "restart":
      return { type };
    case "restore-config":
      return { type };
    case "wait":
      return { type, seconds: 30 };
    case "wait-healthy":
      return { type, timeoutSeconds: 60 };
    case "notify":
      return { type, message: "" };
  }
}

export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

export type CaseField = "title" | "errorCode" | "signature" | "keywords" | "solution" | "actions";

/** Splits an API field path ("actions.1.seconds", "keywords.0") into the form field and the item index. */
export function parseFieldPath(field: string | undefined): { field: CaseField; index: number | null; param: string | null } | null {
  if (!field) return null;
  const parts = field.replace(/^body\.?/, "").split(".");
  const head = parts[0];
  if (head !== "title" && head !== "errorCode" && head !== "signature" && head !== "keywords" && head !== "solution" && head !== "actions") {
    return null;
  }
  const n = parts[1] !== undefined && /^\d+$/.test(parts[1]) ? Number(parts[1]) : null;
  return { field: head, index: n, param: parts[2] ?? null };
}

/** "78 %" of attempts fixed, with the raw counts next to it. */
export function formatSuccessRate(rate: number | null | undefined, successes: number, attempts: number): string {
  if (attempts <= 0 || rate == null || !Number.isFinite(rate)) return DASH;
  // The API reports 0..1; tolerate a percentage too.
  const pct = rate > 1 ? rate : rate * 100;
  return `${Math.round(pct)} % (${successes}/${attempts})`;
}
