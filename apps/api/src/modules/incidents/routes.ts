import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { acknowledgeIncident, addIncidentNote, getIncident, listIncidents, openIncident, resolveIncident, type IncidentView } from "@ops/core";
import { SEVERITIES } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { IdParams, IdText, errorResponses } from "@ops/contract";

const Incident = z
  .object({
    id: z.number().int(),
    key: z.string(),
    title: z.string(),
    severity: z.enum(SEVERITIES),
    status: z.enum(["open", "acknowledged", "mitigated", "resolved"]),
    source: z.enum(["ladder", "manual"]),
    targets: z.array(z.string()),
    summary: z.string().nullable(),
    startedAt: z.string(),
    detectedAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    mttdMs: z.number().nullable(),
    mttrMs: z.number().nullable(),
    mttrTargetMs: z.number().nullable(),
  })
  .meta({ id: "Incident" });

const TimelineEntry = z
  .object({ id: z.number().int(), at: z.string(), kind: z.string(), actor: z.string(), message: z.string(), details: z.unknown() })
  .meta({ id: "IncidentTimelineEntry" });

const tags = ["incidents"];

export async function incidentRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pushed = async (incident: IncidentView) => {
    await deps.bus.publish({ type: "incident.updated", incident });
    return incident;
  };

  r.get(
    "/api/incidents",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Incidents, newest first",
        querystring: z.object({
          status: z.enum(["open", "resolved", "all"]).default("open"),
          target: z.string().max(63).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: IdText.optional(),
        }),
        response: { 200: z.object({ incidents: z.array(Incident) }), ...errorResponses },
      },
    },
    async (req) => ({ incidents: await listIncidents(deps.db, req.query) }),
  );

  r.get(
    "/api/incidents/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One incident with its timeline", params: IdParams, response: { 200: z.object({ incident: Incident, timeline: z.array(TimelineEntry) }), ...errorResponses } } },
    async (req) => getIncident(deps.db, req.params.id),
  );

  r.post(
    "/api/incidents",
    {
      config: { auth: "incidents:write" },
      schema: {
        tags,
        summary: "Open an incident by hand",
        body: z.object({
          title: z.string().trim().min(1).max(200),
          severity: z.enum(SEVERITIES),
          targets: z.array(z.string().min(1).max(63)).max(50).optional(),
          summary: z.string().max(4000).optional(),
        }),
        response: { 201: z.object({ incident: Incident }), ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ incident: await pushed(await openIncident(deps.db, ctxOf(req), req.body)) }),
  );

  r.post(
    "/api/incidents/:id/acknowledge",
    { config: { auth: "incidents:write" }, schema: { tags, summary: "Acknowledge: someone is on it", params: IdParams, response: { 200: z.object({ incident: Incident }), ...errorResponses } } },
    async (req) => ({ incident: await pushed(await acknowledgeIncident(deps.db, ctxOf(req), req.params.id)) }),
  );

  r.post(
    "/api/incidents/:id/notes",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Add a note to the timeline", params: IdParams, body: z.object({ message: z.string().trim().min(1).max(4000) }), response: { 200: z.object({ entry: TimelineEntry }), ...errorResponses } },
    },
    async (req) => {
      const entry = await addIncidentNote(deps.db, ctxOf(req), req.params.id, req.body.message);
      await pushed((await getIncident(deps.db, req.params.id)).incident);
      return { entry };
    },
  );

  r.post(
    "/api/incidents/:id/resolve",
    {
      config: { auth: "incidents:write" },
      schema: { tags, summary: "Resolve", params: IdParams, body: z.object({ summary: z.string().max(4000).optional() }).default({}), response: { 200: z.object({ incident: Incident }), ...errorResponses } },
    },
    async (req) => ({ incident: await pushed(await resolveIncident(deps.db, ctxOf(req), req.params.id, req.body.summary)) }),
  );
}
