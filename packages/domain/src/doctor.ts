import { redactText } from "./redact.ts";

export type CaseAction =
  | { type: "restart" }
  | { type: "restore-config" }
  | { type: "wait"; seconds: number }
  | { type: "wait-healthy"; timeoutSeconds: number }
  | { type: "notify"; message: string };

export type Case = {
  id: string;
  title: string;
  errorCode: string;
  /** A normalised error signature; an exact match means confidence 1.0. */
  signature: string | null;
  keywords: string[];
  solution: string;
  actions: CaseAction[];
};

export type CaseMatch = { caseId: string; confidence: number; matched: string[] };

const ERROR_LINE = /(fatal|error|failed|exception|refused|EADDRINUSE|exit(ed)? (code )?\d+|cannot|unable|timeout|denied|no space)/i;

/**
 * The error signature of a piece of evidence: its most telling line with the noise removed (times,
 * numbers, paths, ids, quoted values), so the same failure on another day or host gives the same text.
 */
export function errorSignature(evidence: string): string | null {
  const lines = redactText(evidence)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /gateway failed to start|start blocked/i.test(l)) ?? lines.find((l) => ERROR_LINE.test(l));
  if (!line) return null;
  return normaliseLine(line);
}

export function normaliseLine(line: string): string {
  return line
    .replace(/^\{.*"message":"([^"]*)".*\}$/, "$1")
    .replace(/\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?([+-]\d{2}:?\d{2})?/g, "<time>")
    .replace(/(\/[\w.@-]+)+\/?/g, "<path>")
    .replace(/\b[0-9a-f]{8,}\b/gi, "<id>")
    .replace(/\b\d+(\.\d+)?\b/g, "<n>")
    .replace(/"[^"]*"|'[^']*'/g, "<value>")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[:.,;]+$/, "")
    .toLowerCase();
}

export function tokens(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9_]+/).filter((t) => t.length > 2));
}

/**
 * Match evidence against the case library: an exact signature is confidence 1.0; otherwise the share of a
 * case's keywords found in the evidence, kept when it reaches the threshold. Best first.
 */
export function matchCases(evidence: string, signature: string | null, cases: readonly Case[], threshold = 0.6): CaseMatch[] {
  const found = tokens(redactText(evidence));
  const out: CaseMatch[] = [];
  for (const c of cases) {
    if (signature && c.signature && c.signature === signature) {
      out.push({ caseId: c.id, confidence: 1, matched: ["signature"] });
      continue;
    }
    if (c.keywords.length === 0) continue;
    const matched = c.keywords.filter((k) => [...tokens(k)].every((t) => found.has(t)));
    const confidence = Math.round((matched.length / c.keywords.length) * 100) / 100;
    if (confidence >= threshold) out.push({ caseId: c.id, confidence, matched });
  }
  return out.sort((a, b) => b.confidence - a.confidence || a.caseId.localeCompare(b.caseId));
}

export function successRate(attempts: number, successes: number): number | null {
  return attempts === 0 ? null : Math.round((successes / attempts) * 1000) / 1000;
}
