import { useSyncExternalStore } from "react";
import type { AnchorHTMLAttributes, MouseEvent } from "react";

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener("popstate", notify);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener("popstate", notify);
  };
}

export function currentHref(): string {
  return window.location.pathname + window.location.search;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (opts.replace) {
    window.history.replaceState(null, "", to);
  } else {
    window.history.pushState(null, "", to);
    window.scrollTo(0, 0);
  }
  notify();
}

/** Path plus query string of the current page; re-renders on navigation and back/forward. */
export function useHref(): string {
  return useSyncExternalStore(subscribe, currentHref);
}

export function useSearchParam(name: string): string | null {
  const href = useHref();
  const q = href.indexOf("?");
  return q === -1 ? null : new URLSearchParams(href.slice(q)).get(name);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string; replace?: boolean };

export function Link({ to, replace, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    // Let the browser handle new-tab and modified clicks.
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to, { replace });
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** The query string of an href ("?a=1"), or "". */
export function searchOf(href: string): string {
  const q = href.indexOf("?");
  if (q === -1) return "";
  const s = href.slice(q).split("#")[0] ?? "";
  return s === "?" ? "" : s;
}
