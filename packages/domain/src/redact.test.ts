import { describe, expect, it } from "vitest";
import { REDACTED, redact, redactText, scrub, scrubText } from "./redact.ts";

describe("redact", () => {
  it("replaces secret-named fields at any depth, keeping the rest", () => {
    const input = {
      email: "a@b.c",
      password: "hunter2hunter2",
      nested: { apiKey: "k", api_key: "k", tokenId: "t-1", tokens: 3, smtpPassword: "p", webhookUrl: "https://x/y", passwordHash: "$argon2id$..." },
      list: [{ secret: "s" }, { name: "n" }],
      disabled: false,
      newPassword: null,
    };
    expect(redact(input)).toEqual({
      email: "a@b.c",
      password: REDACTED,
      nested: { apiKey: REDACTED, api_key: REDACTED, tokenId: "t-1", tokens: 3, smtpPassword: REDACTED, webhookUrl: REDACTED, passwordHash: REDACTED },
      list: [{ secret: REDACTED }, { name: "n" }],
      disabled: false,
      newPassword: null,
    });
  });
  it("hides secrets inside text", () => {
    expect(redactText("https://user:pa55@host/x")).toBe(`https://${REDACTED}@host/x`);
    expect(redactText("https://open.feishu.cn/hook?access_token=abc123&x=1")).toBe(`https://open.feishu.cn/hook?access_token=${REDACTED}&x=1`);
    expect(redactText("Authorization: Bearer abcdefghijklmnop")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText("token oco_abcdefghijklmnopqrstuvwxyz used")).toBe(`token ${REDACTED} used`);
    expect(redactText("nothing to see")).toBe("nothing to see");
  });
  it("survives cycles and deep nesting", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    expect(redact(a)).toEqual({ name: "a", self: REDACTED });
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(redact(deep))).toContain(REDACTED);
  });
});

describe("scrubText: what may be kept in postmortems, learnings, diagnoses and alerts", () => {
  it.each([
    [
      "a private key",
      "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----\ndone",
      "key:\n[redacted:private-key]\ndone",
    ],
    ["an RSA key cut off", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "[redacted:private-key]"],
    ["a password assignment", "DB password=hunter2 failed", `DB password=${REDACTED} failed`],
    ["a quoted secret", `api_key: "abc def"`, `api_key: ${REDACTED}`],
    ["an OpenAI key", "used sk-proj-abcdefghijklmnopqrstuv", `used ${REDACTED}`],
    ["a GitHub token", "ghp_abcdefghijklmnopqrstuvwxyz012345", REDACTED],
    ["a Slack token", "xoxb-1234567890-abcdefghij", REDACTED],
    ["an AWS key id", "AKIAIOSFODNN7EXAMPLE here", `${REDACTED} here`],
    ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", REDACTED],
    ["an e-mail address", "paged alice.smith+ops@example.com at 3am", "paged [redacted:email] at 3am"],
    ["a 10/8 address", "db at 10.2.3.4:5432", "db at [redacted:ip]:5432"],
    ["a 172.16/12 address", "172.20.0.5 and 172.32.0.5", "[redacted:ip] and 172.32.0.5"],
    ["a 192.168/16 address", "gw 192.168.1.1", "gw [redacted:ip]"],
    ["a link-local address", "169.254.169.254 metadata", "[redacted:ip] metadata"],
    ["a ULA IPv6 address", "fd12:3456:789a::1 down", "[redacted:ip] down"],
    ["an internal host", "pg01.db.internal and ci.corp", "[redacted:host] and [redacted:host]"],
    ["a cluster host", "redis.ops.svc.cluster.local:6379", "[redacted:host]:6379"],
    ["credentials in a URL", "postgres://ops:s3cret@10.0.0.9/db", `postgres://${REDACTED}@[redacted:ip]/db`],
  ])("masks %s", (_what, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    "127.0.0.1:8001 refused",
    "public 8.8.8.8 resolver",
    "config.json line 3",
    "version 2026.9.6",
    "steward down: connection refused",
    "http://localhost:3000/api/healthz",
    "MTTR 4h over the P1 target",
    "999.1.1.1 is not an address",
  ])("keeps %j", (text) => {
    expect(scrubText(text)).toBe(text);
  });

  it("is idempotent", () => {
    const once = scrubText("password=x bob@corp.com 10.0.0.1 a.b.internal sk-abcdefghijklmnopqrstu");
    expect(scrubText(once)).toBe(once);
  });

  it("scrubs every string of a record and secret-named fields", () => {
    expect(scrub({ note: "mail bob@example.com", list: ["10.1.1.1"], token: "abc", n: 3, ok: true })).toEqual({
      note: "mail [redacted:email]",
      list: ["[redacted:ip]"],
      token: REDACTED,
      n: 3,
      ok: true,
    });
  });
});
