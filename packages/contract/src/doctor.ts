/** The doctor: its case library (`/api/cases`) and its diagnoses (`/api/diagnoses`). */
import { z } from "zod";

/** What a case does, in order, when the doctor applies it. */
export const CaseAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("restart") }),
  z.object({ type: z.literal("restore-config") }),
  z.object({ type: z.literal("wait"), seconds: z.number().int().min(1).max(600) }),
  z.object({ type: z.literal("wait-healthy"), timeoutSeconds: z.number().int().min(1).max(900) }),
  z.object({ type: z.literal("notify"), message: z.string().min(1).max(500) }),
]);
export type CaseAction = z.infer<typeof CaseAction>;

/** POST /api/cases (and, every field optional, PATCH /api/cases/:id). */
export const CaseBody = z.object({
  title: z.string().trim().min(1).max(200),
  errorCode: z.string().trim().min(1).max(60),
  /** A normalised error signature (as the domain's `signatureOf` gives it); an exact match means confidence 1.0. */
  signature: z.string().max(500).nullable().optional(),
  /** Words and phrases that describe the failure; the more of them the failure lines hold, the higher the score. */
  keywords: z.array(z.string().trim().min(1).max(80)).max(30),
  /**
   * The case's distinguishing terms: every one must appear in the failure lines (or the probe verdict and
   * findings) for a keyword match to count at all. A term may list alternatives with "|": "eaddrinuse|already in use".
   */
  requires: z.array(z.string().trim().min(1).max(80)).max(10).optional().describe("terms the failure lines must all contain for the keywords to count"),
  /** Exit codes that point at this case (78: EX_CONFIG). They add a little to a text match, never replace it. */
  exitCodes: z.array(z.number().int().min(0).max(255)).max(10).optional().describe("exit codes that point at this case (78: EX_CONFIG)"),
  solution: z.string().max(4000),
  actions: z.array(CaseAction).max(10),
});
export type CaseBody = z.infer<typeof CaseBody>;

export const CasePatch = CaseBody.partial();
export type CasePatch = z.infer<typeof CasePatch>;

/** A case's id in a path: "CASE-007". */
export const CaseIdParams = z.object({ id: z.string().regex(/^[A-Z0-9-]{1,40}$/) });
export type CaseIdParams = z.infer<typeof CaseIdParams>;

export const CaseView = CaseBody.extend({
  id: z.string(),
  signature: z.string().nullable(),
  requires: z.array(z.string()),
  exitCodes: z.array(z.number().int()),
  attempts: z.number().int(),
  successes: z.number().int(),
  successRate: z.number().nullable(),
  builtin: z.boolean(),
  updatedAt: z.string(),
}).meta({ id: "Case" });
export type CaseView = z.infer<typeof CaseView>;

export const CasesResponse = z.object({ cases: z.array(CaseView) });
export type CasesResponse = z.infer<typeof CasesResponse>;
export const CaseResponse = z.object({ case: CaseView });
export type CaseResponse = z.infer<typeof CaseResponse>;

/** unsure: several cases fitted, or only a weak one; the doctor did not act. */
export const DiagnosisOutcome = z.enum(["running", "fixed", "not-fixed", "no-match", "unsure"]);
export type DiagnosisOutcome = z.infer<typeof DiagnosisOutcome>;

/** A case that fitted the evidence, and the keywords (or "signature", or "exit 78") it matched on. */
export const DiagnosisCandidate = z.object({ caseId: z.string(), confidence: z.number(), matched: z.array(z.string()) });
export type DiagnosisCandidate = z.infer<typeof DiagnosisCandidate>;

export const DiagnosisView = z
  .object({
    id: z.number().int(),
    target: z.string(),
    at: z.string(),
    signature: z.string().nullable(),
    evidence: z.string(),
    caseId: z.string().nullable(),
    confidence: z.number().nullable(),
    outcome: DiagnosisOutcome.describe("running, fixed, not-fixed, no-match, or unsure (cases fit but none clearly: not acted on)"),
    candidates: z.array(DiagnosisCandidate).describe("every case that fitted, best first"),
    detail: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "Diagnosis" });
export type DiagnosisView = z.infer<typeof DiagnosisView>;

export const DiagnosesQuery = z.object({ target: z.string().max(63).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export type DiagnosesQuery = z.infer<typeof DiagnosesQuery>;

export const DiagnosesResponse = z.object({ diagnoses: z.array(DiagnosisView) });
export type DiagnosesResponse = z.infer<typeof DiagnosesResponse>;
