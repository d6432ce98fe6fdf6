import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { deliveryReport, listDeployments, recordDeployment } from "@ops/core";
import { DeliveryReportView, DeploymentAnswer, DeploymentBody, DeploymentList, DeploymentsQuery, errorResponses } from "@ops/contract";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";

const tags = ["delivery"];

/** Deployments CI reports, and the DORA metrics over them, the agent versions the probes saw and applied governance changes. */
export async function deliveryRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/api/deployments",
    {
      config: { auth: "deployments:write" },
      schema: {
        tags,
        summary: "Record a deploy (for CI: service, version, commit time, deploy time, result)",
        body: DeploymentBody,
        response: { 201: DeploymentAnswer, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send({ deployment: await recordDeployment(deps.db, ctxOf(req), req.body) }),
  );

  r.get(
    "/api/deployments",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Recorded changes, newest first", querystring: DeploymentsQuery, response: { 200: DeploymentList, ...errorResponses } },
    },
    async (req) => ({ deployments: await listDeployments(deps.db, { limit: req.query.limit, service: req.query.service }) }),
  );

  r.get(
    "/api/delivery",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "DORA metrics: deployment frequency, lead time, change failure rate, time to restore, with the seed's bands",
        response: { 200: DeliveryReportView, ...errorResponses },
      },
    },
    async () => deliveryReport(deps.db),
  );
}
