import { describe, expect, it } from "vitest";
import { emailName, passwordChecks, passwordProblem } from "./password.ts";

const broken = (password: string, email?: string) =>
  passwordChecks(password, email)
    .filter((c) => !c.ok)
    .map((c) => c.id);

describe("password rules", () => {
  it.each([
    ["", undefined, ["length", "variety"]],
    ["short", undefined, ["length"]],
    ["abababababab", undefined, ["variety"]],
    ["abcabcabcabc", undefined, ["variety"]],
    ["abcdabcdabcd", undefined, []],
    ["a".repeat(257), undefined, ["max-length", "variety"]],
    ["alice-secret-2026", "Alice@example.com", ["email-name"]],
    ["ALICE-secret-2026", " alice@Example.com ", ["email-name"]],
    ["correct horse battery", "alice@example.com", []],
    // A one- or two-letter email name would refuse most passwords: it is not a rule then.
    ["a strong passphrase", "a@example.com", []],
    ["bob is my uncle ok", "bo@example.com", []],
    ["bob is my uncle ok", "bob@example.com", ["email-name"]],
    // Characters, not UTF-16 units: eleven emoji are eleven characters.
    ["🔥🌊🌲🪨🔥🌊🌲🪨🔥🌊🌲", undefined, ["length"]],
    ["🔥🌊🌲🪨🔥🌊🌲🪨🔥🌊🌲🪨", undefined, []],
  ] as const)("%j with %j breaks %j", (password, email, ids) => {
    expect(broken(password, email)).toEqual(ids);
  });

  it("lists every rule before anything is typed, naming the email name", () => {
    expect(passwordChecks("", "dana@ops.example").map((c) => c.rule)).toEqual([
      "At least 12 characters",
      "At most 256 characters",
      "Does not contain your email name (“dana”)",
      "At least 4 different characters",
    ]);
    expect(passwordChecks("").find((c) => c.id === "email-name")?.rule).toBe("Does not contain your email name");
  });

  it("refuses with the first broken rule, as the API words it", () => {
    expect(passwordProblem("short")).toBe("must be at least 12 characters");
    expect(passwordProblem("a".repeat(257))).toBe("must be at most 256 characters");
    expect(passwordProblem("alice-secret-2026", "Alice@example.com")).toBe("must not contain your email name");
    expect(passwordProblem("abababababab")).toBe("is too repetitive");
    expect(passwordProblem("correct horse battery")).toBeNull();
  });

  it("takes the email name before the @, trimmed and lower-cased, when it has 3+ characters", () => {
    expect(emailName(" Ops.Team@X.io")).toBe("ops.team");
    expect(emailName("ab@x.io")).toBeNull();
    expect(emailName(undefined)).toBeNull();
  });
});
