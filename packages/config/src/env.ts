import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_CONFIG_DIR } from "./paths.ts";

const Url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a ${protocols.join(" or ")}// URL`);

/** scheme://host[:port] of an http(s) URL, as a browser sends it in `Origin`; null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : null;
  } catch {
    return null;
  }
}

/** Comma-separated http(s) URLs, each reduced to its origin (a path or trailing slash is dropped). */
const OriginList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const entries = (v ?? "").split(",").map((e) => e.trim()).filter(Boolean);
    const origins = entries.map(originOf);
    const bad = origins.findIndex((o) => o === null);
    if (bad >= 0) {
      ctx.addIssue({ code: "custom", message: `entry ${bad + 1} is not an http:// or https:// URL` });
      return z.NEVER;
    }
    return [...new Set(origins as string[])];
  });

/** An IPv4/IPv6 address, or one with a /prefix length that fits its family (GET /metrics's allow-list). */
export function isIpOrCidr(entry: string): boolean {
  const [addr = "", bits, more] = entry.split("/");
  const family = isIP(addr);
  if (family === 0 || more !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export const OpsEnv = z.object({
  DATABASE_URL: Url(["postgres:", "postgresql:"]).default("postgres://postgres@127.0.0.1:5432/openclaw_ops"),
  REDIS_URL: Url(["redis:", "rediss:"]).default("redis://127.0.0.1:6379"),
  OPS_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, "letters, digits, ':', '_' or '-'").default("ops"),
  OPS_CONFIG_DIR: z.string().min(1).default(DEFAULT_CONFIG_DIR),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  OPS_WEB_DIST: z.string().optional(),
  OPS_ADMIN_EMAIL: z.email().optional(),
  OPS_ADMIN_PASSWORD: z.string().min(1).optional(),
  OPS_SESSION_IDLE_MINUTES: z.coerce.number().min(1).max(24 * 60).default(30),
  OPS_SESSION_MAX_HOURS: z.coerce.number().min(1).max(24 * 30).default(12),
  OPS_PUBLIC_URL: OriginList.describe(
    "the URL(s) people open the console at (comma-separated), e.g. behind a reverse proxy; default: localhost and 127.0.0.1 on the port the API listens on",
  ),
  OPS_ALLOWED_ORIGINS: OriginList.describe("extra origins allowed to change state and open /ws, besides the console's own"),
  OPS_JOB_LOCK_SECONDS: z.coerce
    .number()
    .min(2)
    .max(3600)
    .default(60)
    .describe("how long a job stays claimed without a heartbeat; a dead worker's jobs are taken over after this"),
  OPS_LLM_URL: Url(["http:", "https:"]).optional().describe("an OpenAI-compatible endpoint (e.g. the collective's LiteLLM) the doctor may ask"),
  OPS_LLM_MODEL: z.string().min(1).default("gpt-4o-mini"),
  OPS_LLM_API_KEY: z.string().optional(),
  OPS_METRICS_ALLOW: z
    .string()
    .default("127.0.0.1,::1")
    .transform((v, ctx) => {
      const entries = v.split(",").map((e) => e.trim()).filter(Boolean);
      const bad = entries.findIndex((e) => !isIpOrCidr(e));
      if (bad >= 0) {
        ctx.addIssue({ code: "custom", message: `entry ${bad + 1} (${entries[bad]}) is not an IP address or CIDR range` });
        return z.NEVER;
      }
      return entries;
    })
    .describe("addresses and CIDR ranges that may read GET /metrics without a token (comma-separated; empty: a token or session with the viewer role is always needed)"),
  OPS_TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
  OPS_STOP_PROCESSES_ON_EXIT: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1")
    .describe("stop the `process`-driver targets this worker's host runs when the worker stops (npm start sets it: Ctrl-C stops everything)"),
});
export type OpsEnv = z.infer<typeof OpsEnv>;

/** The dashboard's development server (`pnpm --filter @ops/web dev`, apps/web/vite.config.ts), which proxies to the API. */
export const DASHBOARD_DEV_PORT = 5173;

const WILDCARD_HOSTS = new Set(["", "0.0.0.0", "::", "[::]"]);

/**
 * The origins whose pages may use a session cookie to change state or open /ws: OPS_PUBLIC_URL, or else this
 * machine's loopback names (and HOST) on the port the API listens on plus the dashboard's development server;
 * OPS_ALLOWED_ORIGINS in either case. Built from configuration only: a request's Host header is the client's to
 * choose (DNS rebinding), so it never says what is our own origin.
 */
export function consoleOrigins(env: Pick<OpsEnv, "HOST" | "OPS_PUBLIC_URL" | "OPS_ALLOWED_ORIGINS">, listeningPort: number): string[] {
  const own = env.OPS_PUBLIC_URL.length > 0 ? env.OPS_PUBLIC_URL : localOrigins(env.HOST, listeningPort);
  return [...new Set([...own, ...env.OPS_ALLOWED_ORIGINS])];
}

function localOrigins(host: string, port: number): string[] {
  const names = ["localhost", "127.0.0.1", "[::1]"];
  if (!WILDCARD_HOSTS.has(host)) names.push(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  const at = (hosts: string[], p: number) => hosts.map((n) => originOf(`http://${n}:${p}`)).filter((o): o is string => o !== null);
  return [...at(names, port), ...at(["localhost", "127.0.0.1"], DASHBOARD_DEV_PORT)];
}

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parse the environment once at boot; an error names the variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): OpsEnv {
  const result = OpsEnv.safeParse(source);
  if (result.success) return result.data;
  // Never echo the values: some of these variables are secrets.
  const lines = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`invalid environment: ${lines.join("; ")}`);
}

/** Hide the password of a connection URL before it reaches a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

const PASSED_TO_CHILDREN = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "SHELL"];

/**
 * The environment for a program the console starts: the basics plus what the target's config gives,
 * never the console's own settings (database URL, admin password, API keys).
 */
export function childEnvironment(extra: Record<string, string> = {}, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASSED_TO_CHILDREN) {
    const v = source[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}
