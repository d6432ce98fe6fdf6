import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import { actingUserId, listTargets, resolveSession, type BusFrame } from "@ops/core";
import type { ApiDeps } from "../deps.ts";
import { SESSION_COOKIE, sessionPolicy } from "./auth.ts";

export const HEARTBEAT_MS = 15_000;
export const MAX_FRAME_BYTES = 4 * 1024;

const ClientFrame = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);

type Client = { socket: WebSocket; ready: boolean; pending: string[]; alive: boolean; userId: string | null; sessionToken: string | null };

/** Close code for "your session ended": the dashboard sends the user to the login page. */
export const SESSION_ENDED = 4401;

/**
 * WebSocket /ws: a snapshot first, then every bus frame. Frames that arrive while the snapshot is being
 * read are held back and sent after it, so a client never misses a transition or sees one out of order.
 */
export async function registerLive(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const clients = new Set<Client>();
  const unsubscribe = await deps.bus.subscribe((frame: BusFrame) => {
    if (frame.type === "session.revoked") {
      for (const c of clients) if (c.userId === frame.userId) c.socket.close(SESSION_ENDED, "session ended");
      return;
    }
    const text = JSON.stringify(frame);
    for (const c of clients) {
      if (!c.ready) c.pending.push(text);
      else if (c.socket.readyState === c.socket.OPEN) c.socket.send(text);
    }
  });

  // Sessions also end by timeout: re-check them at each heartbeat. An open board counts as activity (an on-call
  // screen must not sign itself out mid-shift), so only the absolute lifetime ends a session that is watching.
  const revalidate = async (c: Client) => {
    if (!c.sessionToken) return;
    const s = await resolveSession(deps.db, c.sessionToken, sessionPolicy(deps)).catch(() => undefined);
    if (s === null) c.socket.close(SESSION_ENDED, "session ended");
  };

  const heartbeat = setInterval(() => {
    const text = JSON.stringify({ type: "heartbeat", serverTime: new Date().toISOString() });
    for (const c of clients) {
      void revalidate(c);
      if (!c.alive) {
        c.socket.terminate();
        continue;
      }
      c.alive = false;
      c.socket.ping();
      if (c.ready) c.socket.send(text);
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  app.addHook("onClose", async () => {
    clearInterval(heartbeat);
    unsubscribe();
    for (const c of clients) c.socket.close(1001, "server shutting down");
  });

  app.get("/ws", { websocket: true, config: { auth: "targets:read" }, schema: { hide: true } }, (socket, req) => {
    const client: Client = {
      socket,
      ready: false,
      pending: [],
      alive: true,
      userId: req.ctx ? actingUserId(req.ctx.actor) : null,
      sessionToken: req.session ? (req.cookies[SESSION_COOKIE] ?? null) : null,
    };
    clients.add(client);
    socket.on("pong", () => (client.alive = true));
    socket.on("close", () => clients.delete(client));
    socket.on("error", () => clients.delete(client));
    socket.on("message", (raw, isBinary) => {
      client.alive = true;
      const reply = handleClientFrame(raw.toString(), isBinary);
      if (reply) socket.send(JSON.stringify(reply));
    });
    listTargets(deps.db)
      .then((targets) => {
        if (socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify({ type: "snapshot", targets, serverTime: new Date().toISOString() }));
        for (const text of client.pending) socket.send(text);
        client.pending = [];
        client.ready = true;
      })
      .catch((err: unknown) => {
        req.log.error({ err }, "snapshot failed");
        socket.send(JSON.stringify({ type: "error", code: "DEPENDENCY_DOWN", message: "could not read the fleet state; reconnect shortly" }));
        socket.close(1011, "snapshot failed");
      });
  });
}

function handleClientFrame(text: string, isBinary: boolean): Record<string, unknown> | null {
  if (isBinary) return { type: "error", code: "VALIDATION", message: "frame: binary frames are not accepted", field: "frame" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { type: "error", code: "VALIDATION", message: "frame: not JSON", field: "frame" };
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "type";
    return { type: "error", code: "VALIDATION", message: `frame ${field}: ${issue?.message ?? "invalid"} (known types: ping)`, field };
  }
  return { type: "pong", serverTime: new Date().toISOString() };
}
