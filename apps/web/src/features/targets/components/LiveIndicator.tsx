import { useClientNow } from "../../../lib/clock.ts";
import { useLiveConnection, useLiveState } from "../../../lib/ws.ts";
import type { LiveState } from "../../../lib/ws.ts";

function label(s: LiveState): string {
  if (s.status === "live") return "Live";
  if (s.status === "offline") return "Offline";
  return s.attempt === 0 ? "Connecting…" : `Reconnecting… (attempt ${s.attempt})`;
}

export function LiveIndicator() {
  const state = useLiveState();
  const conn = useLiveConnection();
  const now = useClientNow();
  const wait = state.retryAt != null ? Math.max(0, Math.ceil((state.retryAt - now) / 1000)) : null;
  const title = state.status === "live" ? "Receiving live updates over WebSocket" : "Live updates are paused; the board polls the API until the stream is back";
  return (
    <div className={`live live--${state.status}`} data-testid="live-indicator" data-state={state.status} title={title}>
      <span className="live__dot" aria-hidden="true" />
      <span role="status">{label(state)}</span>
      {state.status !== "live" && (
        <>
          {wait != null && wait > 0 && <span className="live__wait">retry in {wait} s</span>}
          <button type="button" className="live__retry" onClick={() => conn?.reconnectNow()}>
            Retry now
          </button>
        </>
      )}
    </div>
  );
}
