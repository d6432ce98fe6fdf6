import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { z } from "zod";
import { ConflictError, type SimAgent } from "./sim-agent.ts";
import { FaultBody, KeepAliveBody, type AgentView } from "./types.ts";

const BODY_LIMIT = 16 * 1024;

type ErrorCode = "VALIDATION" | "NOT_FOUND" | "METHOD_NOT_ALLOWED" | "CONFLICT" | "PAYLOAD_TOO_LARGE" | "INTERNAL";

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

function sendError(res: ServerResponse, err: HttpError): void {
  const body: Record<string, unknown> = { statusCode: err.statusCode, code: err.code, message: err.message };
  if (err.field !== undefined) body.field = err.field;
  if (err.statusCode === 413) res.setHeader("connection", "close");
  sendJson(res, err.statusCode, body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > BODY_LIMIT) {
      reject(new HttpError(413, "PAYLOAD_TOO_LARGE", `request body is larger than ${BODY_LIMIT} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        req.removeAllListeners("data");
        req.resume();
        reject(new HttpError(413, "PAYLOAD_TOO_LARGE", `request body is larger than ${BODY_LIMIT} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function parseBody<S extends z.ZodType>(req: IncomingMessage, schema: S, example: string): Promise<z.output<S>> {
  const text = await readBody(req);
  if (text.trim() === "") throw new HttpError(400, "VALIDATION", `a JSON body is required, e.g. ${example}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, "VALIDATION", `invalid JSON body: ${(err as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new HttpError(400, "VALIDATION", "invalid body");
  const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
  const field = issue.path.length > 0 ? issue.path.join(".") : keys[0];
  const message = field !== undefined && issue.code !== "unrecognized_keys" ? `${field}: ${issue.message}` : issue.message;
  throw new HttpError(400, "VALIDATION", message, field);
}

type Route = { method: string; action: string | null };

function matchAgentRoute(path: string): { name: string; action: string | null } | null {
  const m = /^\/agents\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m?.[1]) return null;
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  return { name, action: m[2] ?? null };
}

const AGENT_ROUTES: Route[] = [
  { method: "GET", action: null },
  { method: "POST", action: "fault" },
  { method: "DELETE", action: "fault" },
  { method: "POST", action: "restart" },
  { method: "POST", action: "stop" },
  { method: "POST", action: "start" },
  { method: "PUT", action: "keepalive" },
];

/** The simulator's control API: inspect agents, inject faults, drive their lifecycle. */
export function createControlServer(agents: ReadonlyMap<string, SimAgent>): Server {
  async function runAgentAction(req: IncomingMessage, agent: SimAgent, action: string | null): Promise<AgentView> {
    switch (action) {
      case "fault":
        if (req.method === "DELETE") return agent.clearFault();
        return agent.setFault(await parseBody(req, FaultBody, `{"kind":"crash"}`));
      case "restart":
        return agent.restart();
      case "stop":
        return agent.stop();
      case "start":
        return agent.start();
      case "keepalive":
        return agent.setKeepAlive((await parseBody(req, KeepAliveBody, `{"enabled":true}`)).enabled);
      default:
        return agent.readView();
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/+$/, "$1");
    const method = req.method ?? "GET";
    if (path === "/healthz" || path === "/agents") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}; use GET`);
      sendJson(res, 200, path === "/healthz" ? { ok: true } : { agents: [...agents.values()].map((a) => a.readView()) });
      return;
    }
    const match = matchAgentRoute(path);
    const allowed = match ? AGENT_ROUTES.filter((r) => r.action === match.action) : [];
    if (!match || allowed.length === 0) throw new HttpError(404, "NOT_FOUND", `no route for ${method} ${path}`);
    const agent = agents.get(match.name);
    if (!agent) throw new HttpError(404, "NOT_FOUND", `unknown agent "${match.name}"; known: ${[...agents.keys()].join(", ")}`);
    const methodOk = allowed.some((r) => r.method === method || (r.method === "GET" && method === "HEAD"));
    if (!methodOk) {
      const list = allowed.map((r) => r.method).join(", ");
      res.setHeader("allow", list);
      throw new HttpError(405, "METHOD_NOT_ALLOWED", `${method} is not allowed on ${path}; use ${list}`);
    }
    sendJson(res, 200, { agent: await runAgentAction(req, agent, match.action) });
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      if (err instanceof HttpError) sendError(res, err);
      else if (err instanceof ConflictError) sendError(res, new HttpError(409, "CONFLICT", err.message));
      else sendError(res, new HttpError(500, "INTERNAL", `unexpected error: ${(err as Error).message ?? String(err)}`));
    });
  });
}
