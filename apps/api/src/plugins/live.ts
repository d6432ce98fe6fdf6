import type { FastifyInstance } from "fastify";
import { gzipSync } from "node:zlib";
import type { WebSocket } from "ws";
import { ClientFrame, LiveQuery, type BusFrame, type ServerFrame } from "@ops/contract";
import { actingUserId, invalid, revalidateLiveCredentials } from "@ops/core";
import { can } from "@ops/domain";
import type { ApiDeps } from "../deps.ts";
import { sessionPolicy } from "./auth.ts";

export const HEARTBEAT_MS = 15_000;
export const MAX_FRAME_BYTES = 4 * 1024;

const send = (socket: WebSocket, frame: ServerFrame) => socket.send(JSON.stringify(frame));
/** A frame encoded once for every socket: ws would otherwise turn the same string into bytes once per socket. */
const encode = (frame: ServerFrame) => Buffer.from(JSON.stringify(frame));
const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;
/** A target.update at least this large goes gzipped to sockets that asked (`updates=gzip`); a status change stays text, at once. */
export const GZIP_UPDATES_FROM_BYTES = 4 * 1024;

/** A frame for every socket: its JSON bytes, and (when worth it) the same gzipped for sockets that asked. */
type Outgoing = { text: Buffer; gzip: Buffer | null };

/** A live socket and the credential it was opened with: a session cookie or an API token, re-checked while it lives. */
type Client = {
  socket: WebSocket;
  ready: boolean;
  pending: Outgoing[];
  /** The socket asked for large updates gzipped (`/ws?updates=gzip`). */
  gzipUpdates: boolean;
  alive: boolean;
  userId: string | null;
  /** The session's token hash (the cookie is not kept), or null for a socket opened with an API token. */
  sessionHash: string | null;
  tokenId: string | null;
  expiry: NodeJS.Timeout | null;
};

/** Close code for "your session ended" (or the API token it was opened with): the dashboard sends the user to the login page. */
export const SESSION_ENDED = 4401;

// setTimeout's longest delay (about 24.8 days); a later token expiry is caught by the heartbeat's re-check.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * WebSocket /ws: a snapshot first, then every bus frame. Frames that arrive while the snapshot is being
 * read are held back and sent after it, so a client never misses a transition or sees one out of order.
 */
export async function registerLive(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const clients = new Set<Client>();
  const end = (c: Client) => c.socket.close(SESSION_ENDED, c.tokenId ? "API token revoked or expired" : "session ended");

  // Sessions and tokens also end by timeout, and a token with its creator: re-check them at each heartbeat, every open
  // socket's credential in one query. An open board counts as activity (an on-call screen must not sign itself out
  // mid-shift), so only the absolute lifetime ends a session that is watching. A database hiccup keeps the sockets;
  // the next heartbeat asks again.
  const revalidate = async (batch: Iterable<Client>) => {
    const checked = [...batch].filter((c) => c.sessionHash || c.tokenId);
    if (checked.length === 0) return;
    const creds = {
      sessionHashes: checked.flatMap((c) => (c.tokenId || !c.sessionHash ? [] : [c.sessionHash])),
      tokenIds: checked.flatMap((c) => (c.tokenId ? [c.tokenId] : [])),
    };
    const live = await revalidateLiveCredentials(deps.db, creds, sessionPolicy(deps)).catch(() => null);
    if (!live) return;
    for (const c of checked) {
      const roles = c.tokenId ? live.tokens.get(c.tokenId) : live.sessions.get(c.sessionHash!);
      if (!roles || !can(roles, "targets:read")) end(c);
    }
  };

  const unsubscribe = await deps.bus.subscribe((frame: BusFrame) => {
    if (frame.type === "session.revoked") {
      // A token outlives its creator's sessions (a password change) but not the creator's disabling or lost roles.
      const tokenSockets: Client[] = [];
      for (const c of clients) {
        if (c.userId !== frame.userId) continue;
        if (c.tokenId) tokenSockets.push(c);
        else end(c);
      }
      if (tokenSockets.length > 0) void revalidate(tokenSockets);
      return;
    }
    if (frame.type === "token.revoked") {
      for (const c of clients) if (c.tokenId === frame.tokenId) end(c);
      return;
    }
    // Target frames go out through the fleet (below), with only what changed.
    if (frame.type === "target.status" || frame.type === "target.update") return;
    broadcast({ text: encode(frame), gzip: null });
  });

  const write = (c: Client, out: Outgoing) => {
    if (out.gzip && c.gzipUpdates) c.socket.send(out.gzip, BINARY);
    else c.socket.send(out.text, TEXT);
  };
  const broadcast = (out: Outgoing) => {
    for (const c of clients) {
      if (!c.ready) c.pending.push(out);
      else if (c.socket.readyState === c.socket.OPEN) write(c, out);
    }
  };
  /** A routine batch of updates, gzipped once for every socket that asked when it is large enough to be worth it. */
  const updateFrame = (frame: ServerFrame): Outgoing => {
    const text = encode(frame);
    if (text.length < GZIP_UPDATES_FROM_BYTES) return { text, gzip: null };
    for (const c of clients) if (c.gzipUpdates) return { text, gzip: gzipSync(text, { level: 6 }) };
    return { text, gzip: null };
  };

  // The fleet applied a change: a status change goes out whole (its event is news even when its target is not); an
  // update goes out with the targets that changed only (a repeated or out-of-order view changes nothing); a re-read
  // from PostgreSQL sends what it found different.
  const offChange = deps.fleet.onChange(({ names, frame }) => {
    if (frame?.type === "target.status") return broadcast({ text: encode(frame), gzip: null });
    const targets = names.flatMap((n) => deps.fleet.get(n) ?? []);
    if (targets.length > 0) broadcast(updateFrame({ type: "target.update", targets }));
  });

  const heartbeat = setInterval(() => {
    const bytes = encode({ type: "heartbeat", serverTime: new Date().toISOString() });
    void revalidate(clients);
    for (const c of clients) {
      if (!c.alive) {
        c.socket.terminate();
        continue;
      }
      c.alive = false;
      c.socket.ping();
      if (c.ready) c.socket.send(bytes, TEXT);
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  app.addHook("onClose", async () => {
    clearInterval(heartbeat);
    unsubscribe();
    offChange();
    for (const c of clients) c.socket.close(1001, "server shutting down");
  });

  // The query is checked before the upgrade, so a bad one is an HTTP 400 naming the field (preValidation runs after auth).
  const preValidation = async (req: { query: unknown }) => {
    const parsed = LiveQuery.safeParse(req.query ?? {});
    if (parsed.success) return;
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "query";
    throw invalid(field, issue?.message ?? "invalid");
  };

  app.get("/ws", { websocket: true, config: { auth: "targets:read" }, schema: { hide: true }, preValidation }, (socket, req) => {
    const actor = req.ctx?.actor;
    const token = actor?.type === "token" ? actor : null;
    const client: Client = {
      socket,
      ready: false,
      pending: [],
      gzipUpdates: (req.query as LiveQuery).updates === "gzip",
      alive: true,
      userId: actor ? actingUserId(actor) : null,
      sessionHash: req.session?.tokenHash ?? null,
      tokenId: token?.id ?? null,
      expiry: null,
    };
    const expiresIn = token?.expiresAt ? token.expiresAt.getTime() - Date.now() : null;
    if (expiresIn !== null && expiresIn < MAX_TIMER_MS) {
      client.expiry = setTimeout(() => end(client), Math.max(0, expiresIn));
      client.expiry.unref();
    }
    const forget = () => {
      clients.delete(client);
      if (client.expiry) clearTimeout(client.expiry);
    };
    clients.add(client);
    socket.on("pong", () => (client.alive = true));
    socket.on("close", forget);
    socket.on("error", forget);
    socket.on("message", (raw, isBinary) => {
      client.alive = true;
      const reply = handleClientFrame(textOf(raw), isBinary);
      send(socket, reply);
    });
    // A client that resumes (?since=<version>&epoch=<epoch>) gets what changed since, when this process still knows it.
    const resume = resumePoint(req.query);
    const changes = resume ? deps.fleet.changesSince(resume.since, resume.epoch) : null;
    if (resume && changes) {
      send(socket, {
        type: "changes",
        since: resume.since,
        version: deps.fleet.version,
        epoch: deps.fleet.epoch,
        ...changes,
        serverTime: new Date().toISOString(),
      });
      client.ready = true;
      return;
    }
    const gzipped = (req.query as LiveQuery).snapshot === "gzip";
    (gzipped ? deps.fleet.snapshotGzip() : deps.fleet.snapshot())
      .then((snapshot) => {
        if (socket.readyState !== socket.OPEN) return;
        socket.send(snapshot, { binary: gzipped });
        for (const out of client.pending) write(client, out);
        client.pending = [];
        client.ready = true;
      })
      .catch((err: unknown) => {
        req.log.error({ err }, "snapshot failed");
        send(socket, { type: "error", code: "DEPENDENCY_DOWN", message: "could not read the fleet state; reconnect shortly" });
        socket.close(1011, "snapshot failed");
      });
  });
}

/** `?since=<version>[&epoch=<epoch>]`, when the client gave a usable one. */
export function resumePoint(query: unknown): { since: number; epoch: string | undefined } | null {
  if (!query || typeof query !== "object") return null;
  const { since, epoch } = query as Record<string, unknown>;
  if (typeof since !== "string" || !/^\d{1,15}$/.test(since)) return null;
  return { since: Number(since), epoch: typeof epoch === "string" && epoch.length <= 64 ? epoch : undefined };
}

/** A message as text: ws hands over one Buffer, or its fragments, or an ArrayBuffer. */
function textOf(raw: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(raw)) return raw.toString("utf8");
  return (Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)).toString("utf8");
}

function handleClientFrame(text: string, isBinary: boolean): ServerFrame {
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
