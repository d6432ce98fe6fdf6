import { createContext, useContext, useSyncExternalStore } from "react";
import { ServerFrame, type TargetView } from "@ops/contract";
import { setServerTime } from "./clock.ts";

export type LiveStatus = "live" | "reconnecting" | "offline";

export type LiveState = {
  status: LiveStatus;
  /** Reconnect attempts since the stream was last live; 0 while making the very first connection. */
  attempt: number;
  /** When the next attempt starts (epoch ms), if one is scheduled. */
  retryAt: number | null;
  lastFrameAt: number | null;
  /** Message of the last `error` frame, cleared by the next snapshot. */
  error: string | null;
};

export const BACKOFF_MS = [1000, 2000, 5000, 10_000] as const;
export const STALE_AFTER_MS = 40_000;
/** After this many failed attempts in a row (about 30 s) the board calls itself offline. */
export const OFFLINE_AFTER_ATTEMPTS = 5;
/** The server closes with this code when it ends the session (password change, user disabled, logout elsewhere). */
export const CLOSE_SESSION_ENDED = 4401;
/** Refused handshakes in a row before asking the API whether the session is still valid. */
export const AUTH_CHECK_AFTER_FAILURES = 2;

export function backoffDelay(attempt: number): number {
  const i = Math.min(Math.max(attempt, 1), BACKOFF_MS.length) - 1;
  return BACKOFF_MS[i] ?? 10_000;
}

/**
 * The backoff spread over half to one and a half times itself (`random` in [0, 1)): when an API restarts, its
 * thousand boards come back over a second instead of in the same millisecond.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = backoffDelay(attempt);
  return Math.round(base * (0.5 + Math.min(Math.max(random(), 0), 1)));
}

/** True where the browser can inflate a gzipped snapshot itself (Chromium, Firefox, Safari 16.4+, Node 18+). */
export function canInflate(): boolean {
  return typeof globalThis.DecompressionStream === "function";
}

/**
 * The socket's URL: the page's /ws, asking for the snapshot and large updates gzipped where this browser can inflate them, and resuming
 * from the fleet version it last had (the API answers with only what changed since, or a snapshot when it cannot).
 */
export function liveUrl(base: string, opts: { gzip: boolean; resume: { version: number; epoch: string } | null }): string {
  const url = new URL(base);
  if (opts.gzip) {
    url.searchParams.set("snapshot", "gzip");
    url.searchParams.set("updates", "gzip");
  }
  if (opts.resume) {
    url.searchParams.set("since", String(opts.resume.version));
    url.searchParams.set("epoch", opts.resume.epoch);
  }
  return url.toString();
}

export function wsUrl(loc: { protocol: string; host: string }, path = "/ws"): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${path}`;
}

/**
 * Parses one text frame with the contract's ServerFrame schema, the same the API builds its frames from:
 * what is not JSON, not a frame type this dashboard knows, or not of that frame's shape is dropped.
 */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerFrame.safeParse(v);
  return parsed.success ? parsed.data : null;
}

/** A binary frame: the snapshot or a large update, gzipped (`/ws?snapshot=gzip&updates=gzip`), parsed like a text frame once inflated. */
export async function inflateFrame(data: ArrayBuffer | Blob): Promise<ServerFrame | null> {
  try {
    const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
    return parseFrame(await new Response(stream).text());
  } catch {
    return null;
  }
}

/** True unless `incoming` was checked strictly before `current` (a late, out-of-order result): the board's rule. */
function isNotOlder(incoming: TargetView, current: TargetView): boolean {
  const a = incoming.checkedAt ? Date.parse(incoming.checkedAt) : NaN;
  const b = current.checkedAt ? Date.parse(current.checkedAt) : NaN;
  return Number.isNaN(a) || Number.isNaN(b) || a >= b;
}

type Options = {
  url: () => string;
  /** Ask for the gzipped binary snapshot; by default where the browser can inflate it. */
  gzip?: boolean;
  /** [0, 1) for the retry jitter; Math.random unless a test pins it. */
  random?: () => number;
  onFrame: (frame: ServerFrame) => void;
  staleAfterMs?: number;
  /** The server ended the session: no automatic reconnect; the app decides (login page, or reconnectNow). */
  onSessionEnded?: () => void;
  /** Handshakes keep failing, which is what a missing or expired session looks like to a browser. */
  onHandshakeFailures?: (failures: number) => void;
};

const INITIAL: LiveState = { status: "reconnecting", attempt: 0, retryAt: null, lastFrameAt: null, error: null };

/**
 * One WebSocket to /ws that reconnects with jittered backoff, resumes from its fleet version (`?since=&epoch=`),
 * takes the snapshot gzipped where it can inflate it, treats a silent socket as dead, and reports "live" only once a
 * snapshot (or the changes since its version, handed on as one) has arrived.
 */
export class LiveConnection {
  private ws: WebSocket | null = null;
  private state: LiveState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private handshakeFailures = 0;
  /** Frames behind a binary one being inflated wait for it, so they are handled in the order they came. */
  private inbox: Promise<void> | null = null;
  /** Where to resume from after a reconnect: the fleet version of the last snapshot or changes frame. */
  private resume: { version: number; epoch: string } | null = null;
  /**
   * The targets as the frames left them (the same objects the consumers got), so a `changes` frame can be handed on as
   * the snapshot it stands for: every consumer treats a snapshot as "reconnected, here is the truth".
   */
  private targets = new Map<string, TargetView>();

  constructor(private readonly opts: Options) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): LiveState => this.state;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.handshakeFailures = 0;
    this.set({ ...INITIAL });
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
    this.open();
  }

  stop(): void {
    this.running = false;
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    clearTimeout(this.retryTimer);
    this.drop();
  }

  /** Skip the remaining backoff and try now (used by the indicator's button and when the network returns). */
  readonly reconnectNow = (): void => {
    if (!this.running || this.state.status === "live") return;
    clearTimeout(this.retryTimer);
    this.drop();
    this.open();
  };

  private readonly onOnline = (): void => this.reconnectNow();

  private readonly onOffline = (): void => {
    if (!this.running) return;
    this.drop();
    this.scheduleRetry();
  };

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private open(): void {
    this.set({ retryAt: null });
    let ws: WebSocket;
    try {
      ws = new WebSocket(liveUrl(this.opts.url(), { gzip: this.opts.gzip ?? canInflate(), resume: this.resume }));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.inbox = null;
    ws.binaryType = "arraybuffer";
    this.armWatchdog();
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.handshakeFailures = 0;
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.armWatchdog();
      const data: unknown = ev.data;
      if (typeof data === "string" && !this.inbox) return this.receive(ws, parseFrame(data));
      const next = (this.inbox ?? Promise.resolve()).then(async () =>
        this.receive(ws, typeof data === "string" ? parseFrame(data) : data instanceof ArrayBuffer || data instanceof Blob ? await inflateFrame(data) : null),
      );
      this.inbox = next;
      void next.finally(() => {
        if (this.inbox === next) this.inbox = null;
      });
    };
    ws.onclose = (ev?: { code?: number }) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (ev?.code === CLOSE_SESSION_ENDED) {
        clearTimeout(this.watchdog);
        this.set({ status: "reconnecting", retryAt: null });
        this.opts.onSessionEnded?.();
        return;
      }
      if (!opened) {
        this.handshakeFailures += 1;
        if (this.handshakeFailures >= AUTH_CHECK_AFTER_FAILURES) this.opts.onHandshakeFailures?.(this.handshakeFailures);
      }
      this.scheduleRetry();
    };
  }

  private receive(ws: WebSocket, parsed: ServerFrame | null): void {
    if (this.ws !== ws) return;
    const lastFrameAt = Date.now();
    if (!parsed) {
      this.set({ lastFrameAt });
      return;
    }
    const frame = this.track(parsed);
    if ("serverTime" in frame) setServerTime(frame.serverTime);
    if (frame.type === "snapshot") {
      this.set({ status: "live", attempt: 0, retryAt: null, lastFrameAt, error: null });
    } else if (frame.type === "error") {
      this.set({ lastFrameAt, error: frame.message });
    } else {
      this.state = { ...this.state, lastFrameAt };
    }
    this.opts.onFrame(frame);
  }

  /** Keeps the targets and the resume point current; a `changes` frame comes back as the snapshot it amounts to. */
  private track(frame: ServerFrame): ServerFrame {
    const put = (t: TargetView) => {
      const held = this.targets.get(t.name);
      if (!held || isNotOlder(t, held)) this.targets.set(t.name, t);
    };
    switch (frame.type) {
      case "snapshot":
        this.targets = new Map(frame.targets.map((t) => [t.name, t]));
        this.resume = frame.version !== undefined && frame.epoch ? { version: frame.version, epoch: frame.epoch } : null;
        return frame;
      case "changes": {
        for (const name of frame.removed) this.targets.delete(name);
        for (const t of frame.targets) this.targets.set(t.name, t);
        this.resume = { version: frame.version, epoch: frame.epoch };
        return { type: "snapshot", targets: [...this.targets.values()], serverTime: frame.serverTime, version: frame.version, epoch: frame.epoch };
      }
      case "target.status":
        put(frame.target);
        return frame;
      case "target.update":
        frame.targets.forEach(put);
        return frame;
      default:
        return frame;
    }
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.drop();
      this.scheduleRetry();
    }, this.opts.staleAfterMs ?? STALE_AFTER_MS);
  }

  private drop(): void {
    clearTimeout(this.watchdog);
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    const attempt = this.state.attempt + 1;
    const delay = retryDelay(attempt, this.opts.random);
    const offline = navigator.onLine === false || attempt >= OFFLINE_AFTER_ATTEMPTS;
    // Any error frame stays up: the API sends one just before closing, and it explains the outage.
    this.set({ status: offline ? "offline" : "reconnecting", attempt, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}

export const LiveContext = createContext<LiveConnection | null>(null);

const noSubscribe = (): (() => void) => () => {};
const initialState = (): LiveState => INITIAL;

export function useLiveConnection(): LiveConnection | null {
  return useContext(LiveContext);
}

export function useLiveState(): LiveState {
  const conn = useContext(LiveContext);
  return useSyncExternalStore(conn?.subscribe ?? noSubscribe, conn?.getState ?? initialState);
}

/** Pushed frames keep lists current while the socket is live; polling covers the gaps when it is not. */
export function useRefresh(): number {
  return useLiveState().status === "live" ? 60_000 : 15_000;
}
