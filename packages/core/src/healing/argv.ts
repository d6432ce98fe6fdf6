import { hostOf, portOf, type TargetConfig } from "@ops/config";

export type DriverResult = { ok: boolean; output: string };

/** Whole-argument placeholders from the target's own configuration: {name} {host} {port} {container}. */
export function expandArgv(argv: readonly string[], t: TargetConfig): string[] {
  const values: Record<string, string> = {
    "{name}": t.name,
    "{host}": hostOf(t.baseUrl),
    "{port}": String(portOf(t.baseUrl) ?? ""),
    "{container}": t.container ?? `heretek-${t.name}`,
  };
  return argv.map((a) => values[a] ?? a);
}
