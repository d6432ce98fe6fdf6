const SECRET_KEY_ENDINGS = ["password", "passwd", "secret", "token", "apikey", "authorization", "cookie", "credentials", "privatekey", "webhookurl", "hash"];

function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEY_ENDINGS.some((e) => k.endsWith(e));
}
const URL_WITH_SECRET = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;
const SECRET_QUERY = /([?&](?:access_token|token|key|api_?key|secret|sig|signature|password|sign)=)[^&\s#]+/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g;
const OPS_TOKEN = /\boco_[A-Za-z0-9_-]{16,}/g;

export const REDACTED = "[redacted]";

/** Hide secrets inside free text: credentials in URLs, secret query parameters, bearer and console tokens. */
export function redactText(text: string): string {
  return text.replace(URL_WITH_SECRET, `$1${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`).replace(OPS_TOKEN, REDACTED);
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

// ---------------------------------------------------------------------------------------------------------
// Scrubbing: what may be kept in the record (postmortems, learnings, diagnoses, alerts). Beyond secrets it
// masks what identifies people and the inside of the network: the seed's rule is "never store secrets,
// credentials, internal IPs or customer data".

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const ASSIGNED_SECRET =
  /\b((?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token|client[_-]?secret)\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;'"]+)/gi;
const KNOWN_TOKENS = [
  /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}/g, // OpenAI / Anthropic style keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
];
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;
const IPV6_PRIVATE = /\b(?:f[cd][0-9a-f]{2}|fe80):[0-9a-f:]*[0-9a-f]\b/gi;
const INTERNAL_HOST = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:internal|local|localdomain|lan|corp|intra|intranet|home|private|svc|cluster\.local)\b/gi;

/** RFC 1918, carrier-grade NAT and link-local addresses; loopback and public addresses are kept. */
export function isInternalIPv4(a: number, b: number): boolean {
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
}

/**
 * The one scrubber for what the console keeps: secrets (as redactText), private keys, known token formats,
 * `password=…`-style assignments, e-mail addresses, internal IP addresses and internal host names.
 * Idempotent: scrubbing scrubbed text changes nothing.
 */
export function scrubText(text: string): string {
  let out = redactText(text).replace(PRIVATE_KEY, "[redacted:private-key]");
  for (const re of KNOWN_TOKENS) out = out.replace(re, REDACTED);
  out = out.replace(ASSIGNED_SECRET, (whole, lead: string, value: string) =>
    value === REDACTED || value.startsWith("[redacted") ? whole : `${lead}${REDACTED}`,
  );
  out = out.replace(EMAIL, "[redacted:email]");
  out = out.replace(IPV4, (ip, a: string, b: string, c: string, d: string) => {
    const parts = [a, b, c, d].map(Number);
    if (parts.some((p) => p > 255)) return ip;
    return isInternalIPv4(parts[0]!, parts[1]!) ? "[redacted:ip]" : ip;
  });
  out = out.replace(IPV6_PRIVATE, "[redacted:ip]");
  out = out.replace(INTERNAL_HOST, "[redacted:host]");
  return out;
}

/** scrubText over every string of a value (keys kept), for structured records. */
export function scrub<T>(value: T, depth = 0): T {
  if (typeof value === "string") return scrubText(value) as T;
  if (value === null || typeof value !== "object" || depth > 12) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && typeof v === "string" && v !== "" ? REDACTED : scrub(v, depth + 1);
  return out as T;
}
