import { afterEach, describe, expect, it } from "vitest";
import { startApi } from "./harness.ts";

let api: Awaited<ReturnType<typeof startApi>> | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const login = (email: string, password: string) =>
  fetch(`${api!.base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: api!.base }, body: JSON.stringify({ email, password }) }).then((r) => r.status);

/** Issue 13, finding 2: the limits hold when the attempts arrive all at once, not only one at a time. */
describe("login limits under concurrency", () => {
  it("200 parallel logins for one account: 5 are checked, the rest get 429", async () => {
    api = await startApi();
    const person = await api.signIn(["viewer"]);
    const statuses = await Promise.all(Array.from({ length: 200 }, () => login(person.email, "not the password at all")));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(195);
  }, 60_000);

  it("the right password among 30 parallel guesses gets in only as one of the first 5 attempts", async () => {
    api = await startApi();
    const person = await api.signIn(["viewer"]);
    const right = Math.floor(Math.random() * 30);
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => login(person.email, i === right ? person.password : `guess number ${i} wrong`)));
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(25);
  }, 60_000);

  it("100 parallel logins from one address (different accounts): 20 are checked, the rest get 429", async () => {
    api = await startApi();
    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(`nobody-${i}@test.local`, "whatever password")));
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(80);
  }, 60_000);
});
