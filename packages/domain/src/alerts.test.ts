import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { alertRetryDelay, dingtalkPayload, feishuPayload, formatAlert, inCooldown, slackPayload, webhookSignature } from "./alerts.ts";

const at = Date.parse("2026-11-23T03:00:00Z");
const facts = {
  target: "beta",
  kind: "escalated",
  level: "critical" as const,
  at,
  reason: "5 restarts within 600 s",
  failingSince: at - 12 * 60_000,
  restartsInWindow: 5,
  windowSeconds: 600,
  lastOkAt: at - 13 * 60_000,
  actions: ["restart 1 succeeded", "restart 2 failed"],
  diagnosis: null,
  incidentKey: "INC-7",
};

describe("alerts", () => {
  it("formats every fact a person needs", () => {
    const m = formatAlert(facts);
    expect(m.title).toBe("[CRITICAL] beta escalated: 5 restarts within 600 s");
    expect(m.text.split("\n")).toEqual([
      m.title,
      "time: 2026-11-23T03:00:00Z",
      "level: critical",
      "failing for: 12 min",
      "restarts in the last 10 min: 5",
      "last good check: 2026-11-23T02:47:00Z",
      "actions taken: restart 1 succeeded; restart 2 failed",
      "diagnosis: none",
      "incident: INC-7",
    ]);
    expect(formatAlert({ ...facts, lastOkAt: null, actions: [], incidentKey: null }).text).toContain("last good check: never");
  });
  it("cooldown per target and kind", () => {
    expect(inCooldown(null, at, 900_000)).toBe(false);
    expect(inCooldown(at - 899_999, at, 900_000)).toBe(true);
    expect(inCooldown(at - 900_000, at, 900_000)).toBe(false);
  });
  it("retry backoff doubles, capped at an hour", () => {
    expect([1, 2, 3, 4].map((n) => alertRetryDelay(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(alertRetryDelay(30, 10_000)).toBe(3_600_000);
  });
  it("signs Feishu and DingTalk webhooks as documented", () => {
    const ts = "1700000000";
    expect(webhookSignature(ts, "s3cret", "feishu")).toBe(createHmac("sha256", `${ts}\ns3cret`).update("").digest("base64"));
    expect(webhookSignature(ts, "s3cret", "dingtalk")).toBe(createHmac("sha256", "s3cret").update(`${ts}\ns3cret`).digest("base64"));
  });
  it("builds each platform's payload", () => {
    const m = formatAlert(facts);
    expect(slackPayload(m).text).toBe(m.title);
    expect(feishuPayload(m, { timestamp: "1", sign: "x" })).toEqual({ timestamp: "1", sign: "x", msg_type: "text", content: { text: m.text } });
    expect(dingtalkPayload(m)).toEqual({ msgtype: "text", text: { content: m.text } });
  });
});
