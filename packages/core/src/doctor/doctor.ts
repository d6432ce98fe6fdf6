import { existsSync, readFileSync } from "node:fs";
import type { OpsConfig, TargetConfig } from "@ops/config";
import type { CaseBody, CaseView, DiagnosisView } from "@ops/contract";
import { cases, columns, diagnoses, type DbHandle, type Row } from "@ops/db";
import { diagnose, evidenceText, redactText, scrubText, successRate, type CaseAction, type DoctorEvidence } from "@ops/domain";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { logTailArgv, restartTarget, run } from "../healing/drivers.ts";
import { restoreLastGoodConfig } from "../healing/config-repair.ts";
import { currentExit, describeExit, type LastExit } from "../healing/ladder.ts";
import { PRESET_CASES } from "./presets.ts";

export type { CaseView, DiagnosisView };

/** A case as stored, without the flag that keeps the shipped presets from overwriting the team's edits. */
type CaseRow = Omit<Row<typeof cases>, "customised" | "actions"> & { actions: CaseAction[] };
const CASE_COLUMNS = columns(cases, { except: ["customised"] });
const toCase = (r: CaseRow): CaseView => ({ ...r, updatedAt: r.updatedAt.toISOString(), successRate: successRate(r.attempts, r.successes) });

/** Insert the presets that are missing and refresh the shipped ones the team has not edited; never overwrite what the team edited. */
export async function seedCases(h: DbHandle): Promise<void> {
  for (const c of PRESET_CASES) {
    await h.sql`
      INSERT INTO cases (id, title, error_code, signature, keywords, requires, exit_codes, solution, actions, builtin)
      VALUES (${c.id}, ${c.title}, ${c.errorCode}, ${c.signature}, ${c.keywords}::text[], ${c.requires}::text[], ${c.exitCodes}::int[], ${c.solution}, ${h.sql.json(c.actions)}, true)
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, error_code = EXCLUDED.error_code, signature = EXCLUDED.signature, keywords = EXCLUDED.keywords,
        requires = EXCLUDED.requires, exit_codes = EXCLUDED.exit_codes, solution = EXCLUDED.solution, actions = EXCLUDED.actions
      WHERE cases.builtin AND NOT cases.customised`;
  }
}

export async function listCases(h: DbHandle): Promise<CaseView[]> {
  return (await h.sql.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases ORDER BY id`)).map(toCase);
}

/** What a person writes: the request body of POST /api/cases. */
export type CaseInput = CaseBody;

export async function createCase(h: DbHandle, ctx: RequestContext, input: CaseInput & { id?: string | undefined }): Promise<CaseView> {
  requirePermission(ctx, "incidents:write");
  return h.sql.begin(async (tx) => {
    const [next] = await tx<{ n: number }[]>`SELECT coalesce(max(substring(id from 6)::int), 0) + 1 AS n FROM cases WHERE id ~ '^CASE-[0-9]+$'`;
    const id = input.id ?? `CASE-${String(next!.n).padStart(3, "0")}`;
    const [exists] = await tx`SELECT 1 FROM cases WHERE id = ${id}`;
    if (exists) throw new ServiceError("CONFLICT", `case ${id} exists already`, "id");
    await tx`
      INSERT INTO cases (id, title, error_code, signature, keywords, requires, exit_codes, solution, actions)
      VALUES (${id}, ${input.title}, ${input.errorCode}, ${input.signature ?? null}, ${input.keywords}::text[], ${input.requires ?? []}::text[],
        ${input.exitCodes ?? []}::int[], ${input.solution}, ${tx.json(input.actions)})`;
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
        requires = ${next.requires}::text[], exit_codes = ${next.exitCodes}::int[],
        solution = ${next.solution}, actions = ${tx.json(next.actions)}, customised = true, updated_at = now()
      WHERE id = ${id}`;
    const [row] = await tx.unsafe<CaseRow[]>(`SELECT ${CASE_COLUMNS} FROM cases WHERE id = $1`, [id]);
    const view = toCase(row!);
    await writeAudit(tx, ctx, { action: "case.update", targetType: "case", targetId: id, before: toCase(before), after: view });
    return view;
  });
}

/**
 * What the doctor reads about the current failure: how the process ended (exit code, signal, its last lines)
 * when the driver saw it, else the driver's log tail; the probe verdict and findings. Redacted before use.
 */
export async function collectEvidence(h: DbHandle, config: OpsConfig, target: TargetConfig): Promise<DoctorEvidence> {
  const [st] = await h.sql<{ reason: string; findings: { reason: string }[]; lastOkAt: Date | null; lastExit: LastExit | null }[]>`
    SELECT s.reason, s.findings, s.last_ok_at AS "lastOkAt", hl.last_exit AS "lastExit"
    FROM target_state s LEFT JOIN target_healing hl ON hl.target = s.name WHERE s.name = ${target.name}`;
  const exit = currentExit(st?.lastExit ?? null, st?.lastOkAt ?? null);
  let output: string[] = exit?.tail ?? [];
  if (output.length === 0) output = await driverLogTail(h, config, target);
  return {
    exit: exit ? { code: exit.code, signal: exit.signal } : null,
    output: output.map((l) => scrubText(l)).slice(-200),
    probe: st?.reason ?? null,
    findings: (st?.findings ?? []).map((f) => f.reason),
  };
}

/** The target's recent output through its driver, oldest first, when no exit record carries it. */
async function driverLogTail(h: DbHandle, config: OpsConfig, target: TargetConfig): Promise<string[]> {
  const lines: string[] = [];
  const tailArgv = logTailArgv(target);
  if (tailArgv) {
    const tail = await run(tailArgv, 15_000);
    lines.push(...(tail.ok ? tail.output.split("\n") : [`(log tail unavailable: ${tail.output})`]));
  }
  if (target.restart.driver === "process") {
    const [proc] = await h.sql<{ logFile: string }[]>`SELECT log_file AS "logFile" FROM managed_processes WHERE target = ${target.name}`;
    if (proc && existsSync(proc.logFile)) lines.push(...readFileSync(proc.logFile, "utf8").trim().split("\n").slice(-200));
  }
  if (target.restart.driver === "simulator") {
    try {
      const res = await fetch(`${config.fleet.simulator.controlUrl}/agents/${encodeURIComponent(target.name)}`, { signal: AbortSignal.timeout(5000) });
      const { agent } = (await res.json()) as { agent: { lastError?: string | null; logFile?: string } };
      if (agent.logFile && existsSync(agent.logFile)) lines.push(...readFileSync(agent.logFile, "utf8").trim().split("\n").slice(-100));
      if (agent.lastError) lines.push(...agent.lastError.split("\n"));
    } catch (err) {
      lines.push(`(simulator log tail unavailable: ${(err as Error).message})`);
    }
  }
  return lines.filter((l) => l.trim());
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
        {
          role: "system",
          content: "You are an SRE for OpenClaw AI-agent gateways. From the evidence, give the most likely cause and one safe fix, in at most 4 short lines.",
        },
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

export type DiagnosisResult = {
  id: number;
  caseId: string | null;
  confidence: number | null;
  outcome: "fixed" | "not-fixed" | "no-match" | "unsure";
  detail: string;
};

/** Healthy on a probe taken after `since`; gives up early when the process exits again (its exit says why). */
async function waitHealthy(h: DbHandle, target: string, timeoutMs: number): Promise<{ ok: boolean; note: string }> {
  const deadline = Date.now() + timeoutMs;
  const since = new Date();
  while (Date.now() < deadline) {
    const [st] = await h.sql<{ status: string; ready: boolean | null; checkedAt: Date | null; lastExit: LastExit | null }[]>`
      SELECT s.status, s.ready, s.checked_at AS "checkedAt", hl.last_exit AS "lastExit" FROM target_state s LEFT JOIN target_healing hl ON hl.target = s.name WHERE s.name = ${target}`;
    if (st?.status === "ok" && st.ready !== false && st.checkedAt && st.checkedAt > since)
      return { ok: true, note: `healthy after ${Math.round((Date.now() - since.getTime()) / 1000)} s` };
    if (st?.lastExit && Date.parse(st.lastExit.at) > since.getTime()) return { ok: false, note: `not healthy: ${describeExit(st.lastExit)}` };
    await new Promise((r) => setTimeout(r, 500));
  }
  return { ok: false, note: `not healthy within ${Math.round(timeoutMs / 1000)} s` };
}

async function applyAction(h: DbHandle, config: OpsConfig, target: TargetConfig, a: CaseAction): Promise<{ ok: boolean; note: string }> {
  switch (a.type) {
    case "restart": {
      const r = await restartTarget(target, config.fleet, h);
      return { ok: r.ok, note: `restart: ${r.output}` };
    }
    case "restore-config": {
      const r = await restoreLastGoodConfig(h, config, target, "doctor");
      return { ok: r.ok, note: `restore-config: ${r.note}` };
    }
    case "wait":
      await new Promise((r) => setTimeout(r, a.seconds * 1000));
      return { ok: true, note: `waited ${a.seconds} s` };
    case "wait-healthy":
      // A real gateway may need well over a minute on a busy machine: never less than the target's start timeout.
      return waitHealthy(h, target.name, Math.max(a.timeoutSeconds, target.startTimeoutSeconds) * 1000);
    case "notify":
      return { ok: false, note: `needs a person: ${a.message}` };
  }
}

/**
 * Level 3: read the evidence, match the case library, apply the best case's actions when the match is
 * clear, record it all. An unsure match (a tie, or a weak score) is shown to people, never acted on.
 */
export async function runDoctor(h: DbHandle, config: OpsConfig, target: TargetConfig, incidentId: number | null, llm?: LlmEndpoint): Promise<DiagnosisResult> {
  const evidence = await collectEvidence(h, config, target);
  const text = evidenceText(evidence);
  const library = await listCases(h);
  const d = diagnose(evidence, library);
  const best = d.verdict === "match" ? d.best : null;
  const [row] = await h.sql<{ id: number }[]>`
    INSERT INTO diagnoses (target, signature, evidence, case_id, confidence, outcome, incident_id, candidates)
    VALUES (${target.name}, ${d.signature}, ${text}, ${best?.caseId ?? null}, ${best?.confidence ?? d.best?.confidence ?? null},
      ${best ? "running" : d.verdict === "unsure" ? "unsure" : "no-match"}, ${incidentId}, ${h.sql.json(d.candidates)})
    RETURNING id`;
  const id = row!.id;
  if (d.verdict === "unsure") {
    const detail = `unsure, not acting: ${d.why}`;
    await h.sql`UPDATE diagnoses SET detail = ${detail}, finished_at = now() WHERE id = ${id}`;
    return { id, caseId: null, confidence: d.best?.confidence ?? null, outcome: "unsure", detail };
  }
  if (!best) {
    const unmatched = `no case matched ${d.signature ? `the signature "${d.signature}"` : `the evidence (no failure line; probe: ${evidence.probe ?? "no verdict"})`}`;
    let detail = `${unmatched}; no language model is configured to suggest one`;
    if (llm) {
      try {
        detail = `${unmatched}; suggestion from ${llm.model} (a person must approve it, e.g. by adding a case): ${await askLanguageModel(llm, target.name, text)}`;
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

const DIAGNOSIS_KEYS = ["id", "target", "at", "signature", "evidence", "caseId", "confidence", "outcome", "candidates", "detail", "finishedAt"] as const;

export async function listDiagnoses(h: DbHandle, f: { target?: string | undefined; limit: number }): Promise<DiagnosisView[]> {
  const rows = await h.sql<
    (Omit<Pick<Row<typeof diagnoses>, (typeof DIAGNOSIS_KEYS)[number]>, "candidates"> & { candidates: DiagnosisView["candidates"] | null })[]
  >`
    SELECT ${h.sql.unsafe(columns(diagnoses, { only: DIAGNOSIS_KEYS }))}
    FROM diagnoses WHERE (${f.target ?? null}::text IS NULL OR target = ${f.target ?? null}) ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map((r) => ({ ...r, at: r.at.toISOString(), candidates: r.candidates ?? [], finishedAt: r.finishedAt?.toISOString() ?? null }));
}
