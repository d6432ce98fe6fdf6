import { describe, expect, it } from "vitest";
import { REDACTED, redact, redactText } from "./redact.ts";

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
