import { describe, expect, it } from "vitest";
import { findBadText } from "./text.ts";

describe("the text rule at the edge", () => {
  it.each<[string, unknown, string | null]>([
    ["plain text", { message: "a note", tags: ["x", "y"] }, null],
    ["emoji and other scripts are fine", { message: "ok 👍 — 你好 ünïcödé" }, null],
    ["a NUL in a field", { message: "a\u0000b" }, "message"],
    ["a NUL deep inside", { steps: [{ note: "fine" }, { note: "x\u0000" }] }, "steps.1.note"],
    ["a lone high surrogate", { title: "bad \ud800 text" }, "title"],
    ["a lone low surrogate", { title: "\udc00" }, "title"],
    ["a NUL in a key", { ["k\u0000"]: 1 }, "k\u0000"],
    ["a top-level string", "x\u0000", "(value)"],
    ["numbers, booleans and null pass", { a: 1, b: true, c: null }, null],
  ])("%s", (_, value, field) => {
    expect(findBadText(value)?.field ?? null).toBe(field);
  });
  it("says what is wrong", () => {
    expect(findBadText({ m: "a\u0000" })?.message).toMatch(/NUL/);
    expect(findBadText({ m: "\ud800" })?.message).toMatch(/surrogate/);
  });
});
