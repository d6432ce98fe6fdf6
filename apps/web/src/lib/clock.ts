import { useSyncExternalStore } from "react";

// Relative times ("checked 4 s ago") compare server timestamps, so read them on the server's clock.
let offsetMs = 0;

export function setServerTime(iso: string | undefined): void {
  if (!iso) return;
  const t = Date.parse(iso);
  if (!Number.isNaN(t)) offsetMs = t - Date.now();
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let current = Date.now();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The browser's clock, re-rendering once a second; all callers tick together. */
export function useClientNow(): number {
  return useSyncExternalStore(subscribe, () => current);
}

/** Like useClientNow, on the server's clock: use it against timestamps that came from the API. */
export function useNow(): number {
  return useClientNow() + offsetMs;
}
