import type { AlertChannels } from "@ops/config";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendThroughChannel } from "../src/alerts/channels.ts";

// `npm start`'s terminal shows a log line's msg: the console channel's must say what the alert is (issue 17, item 11).
afterEach(() => vi.restoreAllMocks());

describe("the console alert channel", () => {
  it("writes one JSON line whose msg carries the alert's title, the full text beside it", async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const m = { title: "[CRITICAL] beta: down for 3 min (connection refused)", text: "[CRITICAL] beta: down for 3 min\nrestarts: 3 of 3" };
    const r = await sendThroughChannel({} as AlertChannels, "console", m, {});
    expect(r.ok).toBe(true);
    const written = lines.map((l) => JSON.parse(l) as { level: string; msg: string; alert: string });
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ level: "warn", msg: "ALERT [CRITICAL] beta: down for 3 min (connection refused)", alert: m.text });
  });
});
