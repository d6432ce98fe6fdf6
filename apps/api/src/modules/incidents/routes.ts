import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { acknowledgeIncident, addIncidentNote, getIncident, listIncidents, openIncident, resolveIncident } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  IdParams,
  IncidentAnswer,
  IncidentDetail,
  IncidentList,
  IncidentListQuery,
  IncidentNoteAnswer,
  IncidentNoteBody,
  OpenIncidentBody,
  ResolveIncidentBody,
  errorResponses,
} from "@ops/contract";

const tags = ["incidents"];

export async function incidentRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/incidents",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Incidents, newest first", querystring: IncidentListQuery, response: { 200: IncidentList, ...errorResponses } },
    },
    async (req) => ({ incidents: await listIncidents(deps.db, req.query) }),
  );

  r.get(
    "/api/incidents/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One incident with its timeline", params: IdParams, response: { 200: IncidentDetail, ...errorResponses } },
    },
    async (req) => getIncident(deps.db, req.params.id),
  );

  r.post(
    "/api/incidents",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Open an incident by hand", body: OpenIncidentBody, response: { 201: IncidentAnswer, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send({ incident: await openIncident(deps.db, ctxOf(req), req.body, deps) }),
  );

  r.post(
    "/api/incidents/:id/acknowledge",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Acknowledge: someone is on it", params: IdParams, response: { 200: IncidentAnswer, ...errorResponses } },
    },
    async (req) => ({ incident: await acknowledgeIncident(deps.db, ctxOf(req), req.params.id, deps) }),
  );

  r.post(
    "/api/incidents/:id/notes",
    {
      config: { auth: "incidents:write" },
      schema: {
        tags,
        summary: "Add a note to the timeline",
        params: IdParams,
        body: IncidentNoteBody,
        response: { 200: IncidentNoteAnswer, ...errorResponses },
      },
    },
    async (req) => ({ entry: await addIncidentNote(deps.db, ctxOf(req), req.params.id, req.body.message, deps) }),
  );

  r.post(
    "/api/incidents/:id/resolve",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Resolve", params: IdParams, body: ResolveIncidentBody, response: { 200: IncidentAnswer, ...errorResponses } },
    },
    async (req) => ({ incident: await resolveIncident(deps.db, ctxOf(req), req.params.id, req.body.summary, deps) }),
  );
}
