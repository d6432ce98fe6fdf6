const SECRET_KEY_ENDINGS = ["password", "passwd", "secret", "token", "apikey", "authorization", "cookie", "credentials", "privatekey", "webhookurl", "hash"];

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEY_ENDINGS.some((e) => k.endsWith(e));
}
const URL_WITH_SECRET = /\b(https?:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;
const SECRET_QUERY = /([?&](?:access_token|token|key|api_?key|secret|sig|signature|password|sign)=)[^&\s#]+/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const OPS_TOKEN = /\boco_[A-Za-z0-9_-]{16,}/g;

export const REDACTED = "[redacted]";

/** Hide secrets inside free text: credentials in URLs, secret query parameters, bearer and console tokens. */
export function redactText(text: string): string {
  return text
    .replace(URL_WITH_SECRET, `$1${REDACTED}@`)
    .replace(SECRET_QUERY, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(OPS_TOKEN, REDACTED);
}

/**
 * A copy with secret-named fields replaced and secrets in strings hidden, for audit records and logs.
 * Cycles and depth are bounded so a hostile payload cannot hang the writer.
 */
export function redact<T>(value: T, depth = 0, seen = new WeakSet<object>()): T {
  if (typeof value === "string") return redactText(value) as T;
  if (value === null || typeof value !== "object") return value;
  if (depth > 12 || seen.has(value)) return REDACTED as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && typeof v !== "boolean" ? REDACTED : redact(v, depth + 1, seen);
  }
  return out as T;
}
