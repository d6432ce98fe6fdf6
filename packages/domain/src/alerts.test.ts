import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  alertRetryDelay,
  decideAlert,
  dingtalkPayload,
  feishuPayload,
  formatAlert,
  formatFollowUp,
  inCooldown,
  slackPayload,
  webhookSignature,
  type AlertDecision,
  type AlertFacts,
  type PriorAlert,
} from "./alerts.ts";

const at = Date.parse("2026-11-23T03:00:00Z");
const facts: AlertFacts = {
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

describe("send, suppress or follow up", () => {
  const M = 60_000;
  const cooldown = 15 * M;
  const prior = (id: number, minutesAgo: number, p: Partial<PriorAlert> = {}): PriorAlert => ({
    id,
    at: at - minutesAgo * M,
    kind: "escalated",
    level: "critical",
    diagnosis: null,
    ...p,
  });
  const next = (p: Partial<typeof facts> = {}) => ({ ...facts, ...p });
  const CASE = "not fixed: CASE-001 config does not parse (exit 78)";

  it.each<[string, ReturnType<typeof next>, PriorAlert[], AlertDecision]>([
    ["nothing earlier: send", next(), [], { action: "send" }],
    ["the earlier one is outside the cooldown: send", next(), [prior(12, 15)], { action: "send" }],
    ["a true repeat inside the cooldown: suppress", next(), [prior(12, 4)], { action: "suppress", repeats: prior(12, 4) }],
    [
      "the doctor's diagnosis after the escalation alert had none: follow up",
      next({ diagnosis: CASE }),
      [prior(12, 4)],
      { action: "follow-up", follows: prior(12, 4), news: [`diagnosis ${CASE}`] },
    ],
    [
      "the same diagnosis again: suppress",
      next({ diagnosis: CASE }),
      [prior(14, 2, { diagnosis: CASE }), prior(12, 4)],
      { action: "suppress", repeats: prior(14, 2, { diagnosis: CASE }) },
    ],
    [
      "a different diagnosis: follow up the latest of that kind",
      next({ diagnosis: "no-match" }),
      [prior(12, 4), prior(14, 2, { diagnosis: CASE })],
      { action: "follow-up", follows: prior(14, 2, { diagnosis: CASE }), news: ["diagnosis no-match"] },
    ],
    [
      "no diagnosis after one is not news: suppress",
      next({ diagnosis: null }),
      [prior(14, 2, { diagnosis: CASE })],
      { action: "suppress", repeats: prior(14, 2, { diagnosis: CASE }) },
    ],
    [
      "another level: follow up",
      next({ level: "warning" }),
      [prior(12, 4)],
      { action: "follow-up", follows: prior(12, 4), news: ["level warning (was critical)"] },
    ],
    [
      "a new state (kind) inside the cooldown: follow up the latest alert",
      next({ kind: "escalated", reason: "5 restarts within 600 s" }),
      [prior(10, 9, { kind: "down", level: "error" }), prior(11, 12, { kind: "down", level: "error" })],
      {
        action: "follow-up",
        follows: prior(10, 9, { kind: "down", level: "error" }),
        news: ["now escalated (was down): 5 restarts within 600 s", "level critical (was error)"],
      },
    ],
    ["an alert of another kind outside the cooldown does not count", next(), [prior(10, 20, { kind: "down" })], { action: "send" }],
  ])("%s", (_name, n, recent, expected) => {
    expect(decideAlert(n, recent, cooldown)).toEqual(expected);
  });

  it("a follow-up names the alert it updates and leads with what is new", () => {
    const m = formatFollowUp({ ...facts, diagnosis: CASE }, { id: 12, at: Date.parse("2026-11-23T02:52:00Z"), kind: "escalated" }, [`diagnosis ${CASE}`]);
    expect(m.title).toBe(`[CRITICAL] beta: Update to alert #12 (escalated, 02:52 UTC): diagnosis ${CASE}`);
    const lines = m.text.split("\n");
    expect(lines.slice(0, 3)).toEqual([m.title, "updates: alert #12 (escalated, 2026-11-23T02:52:00Z)", "state: escalated: 5 restarts within 600 s"]);
    expect(lines).toContain(`diagnosis: ${CASE}`);
    expect(lines).toContain("incident: INC-7");
  });
});
