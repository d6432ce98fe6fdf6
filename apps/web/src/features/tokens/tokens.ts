import type { TokenView } from "@ops/contract";
import type { Role } from "../../lib/identity.ts";

export type TokenState = "active" | "expired" | "revoked";

export function tokenState(t: Pick<TokenView, "expiresAt" | "revokedAt">, now: number): TokenState {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt) {
    const at = Date.parse(t.expiresAt);
    if (!Number.isNaN(at) && at <= now) return "expired";
  }
  return "active";
}

/** Active tokens first, newest first within each group. */
export function sortTokens(tokens: readonly TokenView[], now: number): TokenView[] {
  const rank: Record<TokenState, number> = { active: 0, expired: 1, revoked: 2 };
  return [...tokens].sort((a, b) => rank[tokenState(a, now)] - rank[tokenState(b, now)] || Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

export function canRevoke(t: TokenView, selfId: string, manageAll: boolean, now: number): boolean {
  return tokenState(t, now) === "active" && (manageAll || t.createdBy.id === selfId);
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** "YYYY-MM-DD" of a local day, as a date input wants it. */
export function dateInputValue(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A date input's day → the end of that local day as ISO; null for empty or malformed input. */
export function expiryFromDateInput(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999);
  if (d.getDate() !== Number(m[3])) return null;
  return d.toISOString();
}

export type TokenFormError = { field: "name" | "roles" | "expiresAt"; message: string };

export function validateNewToken(name: string, roles: readonly Role[], expiry: string, now: number): TokenFormError | null {
  if (name.trim() === "") return { field: "name", message: "Name the token after what uses it, e.g. “triad-voting”." };
  if (roles.length === 0) return { field: "roles", message: "Pick at least one role." };
  if (expiry !== "") {
    const iso = expiryFromDateInput(expiry);
    if (!iso) return { field: "expiresAt", message: "Enter a valid date." };
    if (Date.parse(iso) <= now) return { field: "expiresAt", message: "The expiry date must be in the future." };
  }
  return null;
}
