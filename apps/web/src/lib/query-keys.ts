// Keys that one room invalidates in another's cache: the session after a user edit, a target's doctor and
// config cards after its healing moved, the handoff after a promotion. Each room keeps its other keys.
export const authKeys = {
  all: ["auth"] as const,
  me: () => ["auth", "me"] as const,
  password: () => ["auth", "password"] as const,
} as const;

export const doctorKeys = {
  allDiagnoses: ["diagnoses"] as const,
  allAlerts: ["alerts"] as const,
  diagnoses: (target: string) => ["diagnoses", target] as const,
  alerts: (target: string) => ["alerts", target] as const,
} as const;

export const configKeys = {
  all: ["target-config"] as const,
  status: (target: string) => ["target-config", target] as const,
  version: (target: string, version: number) => ["target-config", target, "version", version] as const,
} as const;

export const handoffKey = ["handoff"] as const;

export const postmortemsKey = ["postmortems"] as const;
