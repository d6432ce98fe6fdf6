import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { ServiceError, type ErrorBody, type ErrorCode } from "@ops/core";

function body(statusCode: number, code: ErrorCode, message: string, requestId: string, field?: string): ErrorBody {
  return field ? { statusCode, code, message, field, requestId } : { statusCode, code, message, requestId };
}

/** Logged when PostgreSQL refuses a value as data (SQLSTATE class 22): the route's schema should have refused it first. */
export const DATA_ERROR_LOG = "a value reached PostgreSQL that the route's schema should have refused";

const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message?: string; field?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "VALIDATION", field: "body" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "VALIDATION", message: "body: expected JSON, got an empty body", field: "body" },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "PAYLOAD_TOO_LARGE", message: "body is too large", field: "body" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "VALIDATION", message: "unsupported content type: send application/json", field: "content-type" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "VALIDATION", message: "content-length does not match the body", field: "content-length" },
};

/** The one error shape: { statusCode, code, message, field?, requestId }; 5xx never leak internals. */
export function installErrorHandler(app: FastifyInstance, opts: { spaFallback?: (url: string, method: string) => boolean } = {}): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ServiceError) {
      const b = body(err.statusCode, err.code, err.message, req.id, err.field);
      return reply.code(err.statusCode).send(err.issues ? { ...b, issues: err.issues } : b);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issue = err.validation[0];
      const where = err.validationContext ?? "request";
      const path = issue?.instancePath ? issue.instancePath.replace(/^\//, "").replaceAll("/", ".") : "";
      const field = path || (issue?.params as { missingProperty?: string } | undefined)?.missingProperty || where;
      const what = field === where ? where : `${where} ${field}`;
      return reply.code(400).send(body(400, "VALIDATION", `${what}: ${issue?.message ?? "invalid"}`, req.id, field));
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err, issues: err.cause.issues }, "response did not match its schema");
      return reply.code(500).send(body(500, "INTERNAL", "internal error: the server produced an invalid response", req.id));
    }
    const known = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) {
      return reply.code(known.status).send(body(known.status, known.code, known.message ?? `body: ${err.message}`, req.id, known.field));
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(body(err.statusCode, "VALIDATION", err.message, req.id));
    }
    if (isDataError(err)) {
      // A last line of defence, not a validator: logged as an error so the missing schema rule gets written.
      req.log.error({ err }, DATA_ERROR_LOG);
      return reply
        .code(400)
        .send(body(400, "VALIDATION", "a value cannot be stored (a date, number or text out of range); check the request's fields", req.id));
    }
    if (isDependencyFailure(err)) {
      req.log.error({ err }, "dependency failure");
      return reply.code(503).send(body(503, "DEPENDENCY_DOWN", "a dependency (PostgreSQL or Redis) is unavailable; retry shortly", req.id));
    }
    req.log.error({ err }, "unhandled error");
    return reply.code(500).send(body(500, "INTERNAL", "internal error; the request id is in the server log", req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    if (opts.spaFallback?.(req.url, req.method)) return reply.type("text/html").sendFile("index.html");
    return reply.code(404).send(body(404, "NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`, req.id));
  });
}

/** Errors the router raises before any route runs (a broken percent-escape, an over-long path segment), in the one shape. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === "FST_ERR_BAD_URL") {
    void reply.code(400).send(body(400, "VALIDATION", "path: not a valid URL (a broken percent-escape or invalid UTF-8)", req.id, "path"));
    return;
  }
  if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
    void reply.code(414).send(body(414, "VALIDATION", "path: a path parameter is longer than 100 characters", req.id, "path"));
    return;
  }
  req.log.error({ err }, "router error");
  void reply.code(500).send(body(500, "INTERNAL", "internal error; the request id is in the server log", req.id));
}

/** PostgreSQL data exceptions (SQLSTATE class 22) a request's values can cause; not division by zero and the like, which are our bugs. */
const DATA_ERRORS = new Set(["22001", "22003", "22007", "22008", "22009", "22021", "22025", "2201B", "22P02", "22P05"]);

function isDataError(err: Error & { code?: string }): boolean {
  return err.name === "PostgresError" && DATA_ERRORS.has(err.code ?? "");
}

function isDependencyFailure(err: Error & { code?: string }): boolean {
  return (
    ["ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "57P01", "57P03"].includes(err.code ?? "") ||
    /Connection is closed|max retries per request/i.test(err.message)
  );
}
