import { createContext, useContext, useSyncExternalStore } from "react";
import { ServerFrame } from "@ops/contract";
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

type Options = {
  url: () => string;
  onFrame: (frame: ServerFrame) => void;
  staleAfterMs?: number;
  /** The server ended the session: no automatic reconnect; the app decides (login page, or reconnectNow). */
  onSessionEnded?: () => void;
  /** Handshakes keep failing, which is what a missing or expired session looks like to a browser. */
  onHandshakeFailures?: (failures: number) => void;
};

const INITIAL: LiveState = { status: "reconnecting", attempt: 0, retryAt: null, lastFrameAt: null, error: null };

/**
 * One WebSocket to /ws that reconnects with backoff, treats a silent socket as dead,
 * and reports "live" only once a snapshot has arrived.
 */
export class LiveConnection {
  private ws: WebSocket | null = null;
  private state: LiveState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private handshakeFailures = 0;

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
      ws = new WebSocket(this.opts.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    this.armWatchdog();
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.handshakeFailures = 0;
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.armWatchdog();
      const frame = parseFrame(ev.data);
      const lastFrameAt = Date.now();
      if (!frame) {
        this.set({ lastFrameAt });
        return;
      }
      if ("serverTime" in frame) setServerTime(frame.serverTime);
      if (frame.type === "snapshot") {
        this.set({ status: "live", attempt: 0, retryAt: null, lastFrameAt, error: null });
      } else if (frame.type === "error") {
        this.set({ lastFrameAt, error: frame.message });
      } else {
        this.state = { ...this.state, lastFrameAt };
      }
      this.opts.onFrame(frame);
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
    const delay = backoffDelay(attempt);
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
