import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { CaseActionShape, createCase, listCases, listDiagnoses, updateCase } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { errorResponses } from "@ops/contract";

const CaseBody = z.object({
  title: z.string().trim().min(1).max(200),
  errorCode: z.string().trim().min(1).max(60),
  signature: z.string().max(500).nullable().optional(),
  keywords: z.array(z.string().trim().min(1).max(80)).max(30),
  requires: z.array(z.string().trim().min(1).max(80)).max(10).optional().describe("terms the failure lines must all contain for the keywords to count"),
  exitCodes: z.array(z.number().int().min(0).max(255)).max(10).optional().describe("exit codes that point at this case (78: EX_CONFIG)"),
  solution: z.string().max(4000),
  actions: z.array(CaseActionShape).max(10),
});

const Case = CaseBody.extend({
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

const Diagnosis = z
  .object({
    id: z.number().int(),
    target: z.string(),
    at: z.string(),
    signature: z.string().nullable(),
    evidence: z.string(),
    caseId: z.string().nullable(),
    confidence: z.number().nullable(),
    outcome: z.string().describe("running, fixed, not-fixed, no-match, or unsure (cases fit but none clearly: not acted on)"),
    candidates: z.array(z.object({ caseId: z.string(), confidence: z.number(), matched: z.array(z.string()) })).describe("every case that fitted, best first"),
    detail: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "Diagnosis" });

export async function doctorRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["doctor"];
  r.get("/api/cases", { config: { auth: "targets:read" }, schema: { tags, summary: "The case library", response: { 200: z.object({ cases: z.array(Case) }), ...errorResponses } } }, async () => ({
    cases: (await listCases(deps.db)) as z.infer<typeof Case>[],
  }));
  r.post(
    "/api/cases",
    { config: { auth: "incidents:write" }, schema: { tags, summary: "Add a case (e.g. from a diagnosis a person resolved)", body: CaseBody, response: { 201: z.object({ case: Case }), ...errorResponses } } },
    async (req, reply) => reply.code(201).send({ case: (await createCase(deps.db, ctxOf(req), req.body)) as z.infer<typeof Case> }),
  );
  r.patch(
    "/api/cases/:id",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Edit a case", params: z.object({ id: z.string().regex(/^[A-Z0-9-]{1,40}$/) }), body: CaseBody.partial(), response: { 200: z.object({ case: Case }), ...errorResponses } },
    },
    async (req) => ({ case: (await updateCase(deps.db, ctxOf(req), req.params.id, req.body)) as z.infer<typeof Case> }),
  );
  r.get(
    "/api/diagnoses",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The doctor's diagnoses, newest first",
        querystring: z.object({ target: z.string().max(63).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ diagnoses: z.array(Diagnosis) }), ...errorResponses },
      },
    },
    async (req) => ({ diagnoses: await listDiagnoses(deps.db, req.query) }),
  );
}
