import { existsSync, readFileSync } from "node:fs";
import type { OpsConfig, TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { errorSignature, matchCases, redactText, scrubText, successRate, type Case, type CaseAction } from "@ops/domain";
import { z } from "zod";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { logTailArgv, restartTarget, run } from "../healing/drivers.ts";
import { PRESET_CASES } from "./presets.ts";

export const CaseActionShape = z.discriminatedUnion("type", [
  z.object({ type: z.literal("restart") }),
  z.object({ type: z.literal("restore-config") }),
  z.object({ type: z.literal("wait"), seconds: z.number().int().min(1).max(600) }),
  z.object({ type: z.literal("wait-healthy"), timeoutSeconds: z.number().int().min(1).max(900) }),
  z.object({ type: z.literal("notify"), message: z.string().min(1).max(500) }),
]);

export type CaseView = Case & { attempts: number; successes: number; successRate: number | null; builtin: boolean; updatedAt: string };

type CaseRow = Omit<CaseView, "successRate" | "updatedAt"> & { updatedAt: Date };
const CASE_COLUMNS = `id, title, error_code AS "errorCode", signature, keywords, solution, actions, attempts, successes, builtin, updated_at AS "updatedAt"`;
const toCase = (r: CaseRow): CaseView => ({ ...r, updatedAt: r.updatedAt.toISOString(), successRate: successRate(r.attempts, r.successes) });

/** Insert the presets that are missing; never overwrite what the team edited. */
export async function seedCases(h: DbHandle): Promise<void> {
  for (const c of PRESET_CASES) {
    await h.sql`
      INSERT INTO cases (id, title, error_code, signature, keywords, solution, actions, builtin)
      VALUES (${c.id}, ${c.title}, ${c.errorCode}, ${c.signature}, ${c.keywords}::text[], ${c.solution}, ${h.sql.json(c.actions as never)}, true)
      ON CONFLICT (id) DO NOTHING`;
  }
}

export async function listCases(h: DbHandle): Promise<CaseView[]> {
  return (await h.sql.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases ORDER BY id`)).map(toCase);
}

export type CaseInput = { title: string; errorCode: string; signature?: string | null | undefined; keywords: string[]; solution: string; actions: CaseAction[] };

export async function createCase(h: DbHandle, ctx: RequestContext, input: CaseInput & { id?: string | undefined }): Promise<CaseView> {
  requirePermission(ctx, "incidents:write");
  return h.sql.begin(async (tx) => {
    const [next] = await tx<{ n: number }[]>`SELECT coalesce(max(substring(id from 6)::int), 0) + 1 AS n FROM cases WHERE id ~ '^CASE-[0-9]+$'`;
    const id = input.id ?? `CASE-${String(next!.n).padStart(3, "0")}`;
    const [exists] = await tx`SELECT 1 FROM cases WHERE id = ${id}`;
    if (exists) throw new ServiceError("CONFLICT", `case ${id} exists already`, "id");
    await tx`
      INSERT INTO cases (id, title, error_code, signature, keywords, solution, actions)
      VALUES (${id}, ${input.title}, ${input.errorCode}, ${input.signature ?? null}, ${input.keywords}::text[], ${input.solution}, ${tx.json(input.actions as never)})`;
    const [row] = await tx.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [id]);
    const view = toCase(row!);
    await writeAudit(tx, ctx, { action: "case.create", targetType: "case", targetId: id, after: view });
    return view;
  });
}

export async function updateCase(h: DbHandle, ctx: RequestContext, id: string, patch: Partial<CaseInput>): Promise<CaseView> {
  requirePermission(ctx, "incidents:write");
  return h.sql.begin(async (tx) => {
    const [before] = await tx.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1 FOR UPDATE`, [id]);
    if (!before) throw notFound(`case ${id}`, "id");
    const next = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as CaseRow;
    await tx`
      UPDATE cases SET title = ${next.title}, error_code = ${next.errorCode}, signature = ${next.signature}, keywords = ${next.keywords}::text[],
        solution = ${next.solution}, actions = ${tx.json(next.actions as never)}, updated_at = now()
      WHERE id = ${id}`;
    const [row] = await tx.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [id]);
    const view = toCase(row!);
    await writeAudit(tx, ctx, { action: "case.update", targetType: "case", targetId: id, before: toCase(before), after: view });
    return view;
  });
}

/** What the doctor reads: the health verdict and the driver's log tail, redacted before it is stored. */
export async function collectEvidence(h: DbHandle, config: OpsConfig, target: TargetConfig): Promise<string> {
  // The driver's own words first: the signature is taken from the first telling line.
  const parts: string[] = [];
  const [st] = await h.sql<{ reason: string; findings: { reason: string }[] }[]>`SELECT reason, findings FROM target_state WHERE name = ${target.name}`;
  const tailArgv = logTailArgv(target);
  if (tailArgv) {
    const tail = await run(tailArgv, 15_000);
    parts.push(tail.ok ? tail.output : `(log tail unavailable: ${tail.output})`);
  }
  if (target.restart.driver === "process") {
    const [proc] = await h.sql<{ logFile: string }[]>`SELECT log_file AS "logFile" FROM managed_processes WHERE target = ${target.name}`;
    if (proc && existsSync(proc.logFile)) parts.push(...readFileSync(proc.logFile, "utf8").trim().split("\n").slice(-40));
  }
  if (target.restart.driver === "simulator") {
    try {
      const res = await fetch(`${config.fleet.simulator.controlUrl}/agents/${encodeURIComponent(target.name)}`, { signal: AbortSignal.timeout(5000) });
      const { agent } = (await res.json()) as { agent: { lastError?: string | null; logFile?: string; lastExitCode?: number | null } };
      if (agent.lastExitCode !== null && agent.lastExitCode !== undefined) parts.push(`exit code ${agent.lastExitCode}`);
      if (agent.lastError) parts.push(agent.lastError);
      if (agent.logFile && existsSync(agent.logFile)) {
        const lines = readFileSync(agent.logFile, "utf8").trim().split("\n").slice(-30);
        for (const l of lines) {
          try {
            const j = JSON.parse(l) as { message?: string; _meta?: { logLevelName?: string } };
            if (j._meta?.logLevelName && j._meta.logLevelName !== "INFO" && j.message) parts.push(j.message);
          } catch {
            parts.push(l);
          }
        }
      }
    } catch (err) {
      parts.push(`(simulator log tail unavailable: ${(err as Error).message})`);
    }
  }
  if (st) parts.push(`probe: ${st.reason}`, ...st.findings.map((f) => `finding: ${f.reason}`));
  const unique = [...new Set(parts.flatMap((p) => p.split("\n")).map((l) => l.trim()).filter(Boolean))];
  return scrubText(unique.join("\n")).slice(-8000);
}

export type LlmEndpoint = { url: string; model: string; apiKey?: string | undefined };

/** Ask an OpenAI-compatible endpoint for a diagnosis; the answer is advice for a person, never applied. */
export async function askLanguageModel(llm: LlmEndpoint, target: string, evidence: string): Promise<string> {
  const res = await fetch(`${llm.url.replace(/\/$/, "")}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
    body: JSON.stringify({
      model: llm.model,
      max_tokens: 400,
      temperature: 0,
      messages: [
        { role: "system", content: "You are an SRE for OpenClaw AI-agent gateways. From the evidence, give the most likely cause and one safe fix, in at most 4 short lines." },
        { role: "user", content: `Target: ${target}\nEvidence (redacted):\n${evidence}` },
      ],
    }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
  const text = body.choices?.[0]?.message?.content?.trim();
  if (!text) throw new Error("the answer had no message content");
  return scrubText(text).slice(0, 2000);
}

export type DiagnosisResult = { id: number; caseId: string | null; confidence: number | null; outcome: "fixed" | "not-fixed" | "no-match"; detail: string };

async function waitHealthy(h: DbHandle, target: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const since = new Date();
  while (Date.now() < deadline) {
    const [st] = await h.sql<{ status: string; checkedAt: Date | null }[]>`SELECT status, checked_at AS "checkedAt" FROM target_state WHERE name = ${target}`;
    if (st?.status === "ok" && st.checkedAt && st.checkedAt > since) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function applyAction(h: DbHandle, config: OpsConfig, target: TargetConfig, a: CaseAction): Promise<{ ok: boolean; note: string }> {
  switch (a.type) {
    case "restart": {
      const r = await restartTarget(target, config.fleet, h);
      return { ok: r.ok, note: `restart: ${r.output}` };
    }
    case "restore-config": {
      if (target.restart.driver !== "simulator") return { ok: false, note: `restore-config: not possible through the ${target.restart.driver} driver; restore the config by hand` };
      // The simulator models a broken install; clearing its fault restores the last good openclaw.json.
      const res = await fetch(`${config.fleet.simulator.controlUrl}/agents/${encodeURIComponent(target.name)}/fault`, { method: "DELETE", signal: AbortSignal.timeout(10_000) }).catch((e: Error) => e);
      return res instanceof Error ? { ok: false, note: `restore-config: ${res.message}` } : { ok: res.ok, note: `restore-config: HTTP ${res.status}` };
    }
    case "wait":
      await new Promise((r) => setTimeout(r, a.seconds * 1000));
      return { ok: true, note: `waited ${a.seconds} s` };
    case "wait-healthy": {
      const ok = await waitHealthy(h, target.name, a.timeoutSeconds * 1000);
      return { ok, note: ok ? "healthy" : `not healthy within ${a.timeoutSeconds} s` };
    }
    case "notify":
      return { ok: false, note: `needs a person: ${a.message}` };
  }
}

/** Level 3: read the evidence, match the case library, apply the best case's actions, record it all. */
export async function runDoctor(h: DbHandle, config: OpsConfig, target: TargetConfig, incidentId: number | null, llm?: LlmEndpoint): Promise<DiagnosisResult> {
  const evidence = await collectEvidence(h, config, target);
  const signature = errorSignature(evidence);
  const library = await listCases(h);
  const best = matchCases(evidence, signature, library)[0];
  const [row] = await h.sql<{ id: string }[]>`
    INSERT INTO diagnoses (target, signature, evidence, case_id, confidence, outcome, incident_id)
    VALUES (${target.name}, ${signature}, ${evidence}, ${best?.caseId ?? null}, ${best?.confidence ?? null}, ${best ? "running" : "no-match"}, ${incidentId})
    RETURNING id`;
  const id = Number(row!.id);
  if (!best) {
    const unmatched = `no case matched${signature ? ` the signature "${signature}"` : ""}`;
    let detail = `${unmatched}; no language model is configured to suggest one`;
    if (llm) {
      try {
        detail = `${unmatched}; suggestion from ${llm.model} (a person must approve it, e.g. by adding a case): ${await askLanguageModel(llm, target.name, evidence)}`;
      } catch (err) {
        detail = `${unmatched}; the language model at ${redactText(llm.url)} did not answer: ${(err as Error).message}`;
      }
    }
    await h.sql`UPDATE diagnoses SET detail = ${detail}, finished_at = now() WHERE id = ${id}`;
    return { id, caseId: null, confidence: null, outcome: "no-match", detail };
  }
  const c = library.find((x) => x.id === best.caseId)!;
  const notes: string[] = [];
  let fixed = c.actions.length > 0;
  for (const a of c.actions) {
    const r = await applyAction(h, config, target, a);
    notes.push(r.note);
    if (!r.ok) {
      fixed = false;
      break;
    }
  }
  const outcome = fixed ? "fixed" : "not-fixed";
  const detail = `${c.id} ${c.title} (confidence ${best.confidence}): ${notes.join("; ")}`;
  await h.sql.begin(async (tx) => {
    await tx`UPDATE diagnoses SET outcome = ${outcome}, detail = ${detail}, actions = ${tx.json(notes)}, finished_at = now() WHERE id = ${id}`;
    await tx`UPDATE cases SET attempts = attempts + 1, successes = successes + ${fixed ? 1 : 0} WHERE id = ${c.id}`;
  });
  return { id, caseId: c.id, confidence: best.confidence, outcome, detail };
}

export async function listDiagnoses(h: DbHandle, f: { target?: string | undefined; limit: number }) {
  const rows = await h.sql<{ id: string; target: string; at: Date; signature: string | null; evidence: string; caseId: string | null; confidence: number | null; outcome: string; detail: string | null; finishedAt: Date | null }[]>`
    SELECT id, target, at, signature, evidence, case_id AS "caseId", confidence, outcome, detail, finished_at AS "finishedAt"
    FROM diagnoses WHERE (${f.target ?? null}::text IS NULL OR target = ${f.target ?? null}) ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), at: r.at.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null }));
}
