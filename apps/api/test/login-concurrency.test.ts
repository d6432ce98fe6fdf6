import { afterEach, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const tally = (statuses: number[]) => [...new Set(statuses)].map((s) => `${statuses.filter((x) => x === s).length}×${s}`).join(", ");

const login = (email: string, password: string) =>
  fetch(`${api!.base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: api!.base },
    body: JSON.stringify({ email, password }),
  }).then((r) => r.status);

/** Issue 13, finding 2: the limits hold when the attempts arrive all at once, not only one at a time. */
describe("login limits under concurrency", () => {
  it("200 parallel logins for one account: 5 are checked, the rest get 429", async () => {
    api = await startApi();
    const person = await api.signIn(["viewer"]);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => login(person.email, "not the password at all")));
    console.log(`[login-concurrency] 200 parallel logins for one account: ${tally(statuses)}`);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
  }, 60_000);

  it("30 parallel wrong guesses use up the account's 5 attempts: the right password is then refused too", async () => {
    // (Not "the right one among the 30": a success resets the account's count, so what follows it depends on
    // timing; this is the property the finding was about: parallel guesses cannot buy more than 5 checks.)
    api = await startApi();
    const person = await api.signIn(["viewer"]);
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(person.email, `guess number ${i} wrong`)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    expect(await login(person.email, person.password)).toBe(429);
  }, 60_000);

  it("100 parallel logins from one address (different accounts): 20 are checked, the rest get 429", async () => {
    api = await startApi();
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`nobody-${i}@test.local`, "whatever password")));
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(80);
  }, 60_000);
});
