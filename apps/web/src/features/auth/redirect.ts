import { ApiError } from "../../lib/api.ts";

const BASE = "http://same-origin.invalid";
export const LOGIN_PATH = "/login";
export const ACCOUNT_PATH = "/account";

/**
 * The `next` target after login: only a same-origin relative path starting with a single "/".
 * Anything else (absolute URLs, "//host", backslashes, control characters) falls back to "/".
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || raw[0] !== "/" || raw[1] === "/") return "/";
  // Browsers read "\" as "/" and drop tabs and newlines, which would turn "/\evil" into "//evil".
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return "/";
  }
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  if (url.pathname === LOGIN_PATH || url.pathname.startsWith(`${LOGIN_PATH}/`)) return "/";
  return url.pathname + url.search + url.hash;
}

export function isLoginPath(pathname: string): boolean {
  return pathname.replace(/\/+$/, "") === LOGIN_PATH;
}

/** Where to send someone whose session is missing, remembering the page they were on. */
export function loginHref(currentHref: string): string {
  return `${LOGIN_PATH}?next=${encodeURIComponent(safeNext(currentHref))}`;
}

/** The account page while a new password is required; `next` is where to continue afterwards. */
export function accountHref(next: string): string {
  const target = safeNext(next);
  return target === "/" || target.startsWith(ACCOUNT_PATH) ? ACCOUNT_PATH : `${ACCOUNT_PATH}?next=${encodeURIComponent(target)}`;
}

/** Where login leads: the requested page, or the account page first when the password must change. */
export function afterLogin(mustChangePassword: boolean, next: string | null): string {
  return mustChangePassword ? accountHref(safeNext(next)) : safeNext(next);
}

/**
 * True when an error means "this browser has no valid session".
 * A 401 that names a field is a form answer (wrong current password), not a lost session.
 */
export function isSessionLoss(error: unknown, meta?: Record<string, unknown>): boolean {
  if (!(error instanceof ApiError) || !error.isUnauthenticated) return false;
  if (error.field !== undefined) return false;
  return meta?.ownsUnauthenticated !== true;
}
