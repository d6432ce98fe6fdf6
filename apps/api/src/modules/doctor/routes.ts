import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { createCase, listCases, listDiagnoses, updateCase } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { CaseBody, CaseIdParams, CasePatch, CaseResponse, CasesResponse, DiagnosesQuery, DiagnosesResponse, errorResponses } from "@ops/contract";

export async function doctorRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ["doctor"];
  r.get(
    "/api/cases",
    { config: { auth: "targets:read" }, schema: { tags, summary: "The case library", response: { 200: CasesResponse, ...errorResponses } } },
    async () => ({
      cases: await listCases(deps.db),
    }),
  );
  r.post(
    "/api/cases",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Add a case (e.g. from a diagnosis a person resolved)", body: CaseBody, response: { 201: CaseResponse, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send({ case: await createCase(deps.db, ctxOf(req), req.body) }),
  );
  r.patch(
    "/api/cases/:id",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Edit a case", params: CaseIdParams, body: CasePatch, response: { 200: CaseResponse, ...errorResponses } },
    },
    async (req) => ({ case: await updateCase(deps.db, ctxOf(req), req.params.id, req.body) }),
  );
  r.get(
    "/api/diagnoses",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The doctor's diagnoses, newest first",
        querystring: DiagnosesQuery,
        response: { 200: DiagnosesResponse, ...errorResponses },
      },
    },
    async (req) => ({ diagnoses: await listDiagnoses(deps.db, req.query) }),
  );
}
