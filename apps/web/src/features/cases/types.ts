export type Action =
  | { type: "restart" }
  | { type: "restore-config" }
  | { type: "wait"; seconds: number }
  | { type: "wait-healthy"; timeoutSeconds: number }
  | { type: "notify"; message: string };

export type ActionType = Action["type"];

export const ACTION_TYPES: readonly ActionType[] = ["restart", "restore-config", "wait", "wait-healthy", "notify"];

export type Case = {
  id: string;
  title: string;
  errorCode: string;
  signature: string | null;
  keywords: string[];
  solution: string;
  actions: Action[];
  attempts: number;
  successes: number;
  successRate: number | null;
  builtin: boolean;
  updatedAt: string;
};

export type CaseInput = Pick<Case, "title" | "errorCode" | "signature" | "keywords" | "solution" | "actions">;

/** unsure: several cases fitted, or only a weak one; the doctor did not act. */
export type DiagnosisOutcome = "running" | "fixed" | "not-fixed" | "no-match" | "unsure";

/** A case that fitted the evidence, and the keywords (or signature) it matched on. */
export type DiagnosisCandidate = { caseId: string; confidence: number; matched: string[] };

export type Diagnosis = {
  id: string | number;
  target: string;
  at: string;
  signature: string | null;
  evidence: string;
  caseId: string | null;
  confidence: number | null;
  outcome: DiagnosisOutcome;
  /** Every case that fitted, best first; older APIs leave it out. */
  candidates?: DiagnosisCandidate[];
  detail: string | null;
  finishedAt: string | null;
};

export type AlertLevel = "warning" | "error" | "critical";
export type AlertStatus = "pending" | "sent" | "failed" | "suppressed";

export type Alert = {
  id: string | number;
  at: string;
  target: string;
  kind: string;
  level: AlertLevel;
  channel: string;
  status: AlertStatus;
  title: string;
  message: string;
  incidentId: number | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** The alert this one updates (a follow-up sent inside the cooldown); older payloads leave it out. */
  followsId?: number | null;
  sentAt: string | null;
};
