import { createContext, useContext } from "react";
import type { MeResponse, Permission } from "@ops/contract";

export const SessionContext = createContext<MeResponse | null>(null);

/** The signed-in user; only valid below AuthGate, which renders nothing else until it is known. */
export function useSession(): MeResponse {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession() outside AuthGate");
  return s;
}

export function can(session: Pick<MeResponse, "permissions"> | null | undefined, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false;
}

export function useCan(permission: Permission): boolean {
  return can(useSession(), permission);
}
