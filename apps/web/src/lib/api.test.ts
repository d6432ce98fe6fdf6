import { describe, expect, it } from "vitest";
import { actionErrorMessage, ApiError, apiSend, fieldErrorMessage, shouldRetry, toApiError } from "./api.ts";

describe("toApiError", () => {
  it("keeps the API's error shape", () => {
    const e = toApiError(404, "Not Found", {
      statusCode: 404,
      code: "TARGET_NOT_FOUND",
      message: "no target named 'zed'",
      requestId: "req-1",
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe("no target named 'zed'");
    expect(e.code).toBe("TARGET_NOT_FOUND");
    expect(e.isNotFound).toBe(true);
    expect(e.requestId).toBe("req-1");
  });

  it("keeps the offending field", () => {
    const e = toApiError(400, "Bad Request", { statusCode: 400, code: "BAD_QUERY", message: "from must be ISO", field: "from" });
    expect(e.field).toBe("from");
  });

  it("falls back to the status line when the body is not the error shape", () => {
    const e = toApiError(500, "Internal Server Error", "<html>");
    expect(e.message).toBe("The API answered HTTP 500 Internal Server Error");
    expect(e.code).toBe("HTTP_500");
  });
});

describe("shouldRetry", () => {
  it("does not retry client errors but retries server and network errors up to 3 times", () => {
    expect(shouldRetry(0, new ApiError(404, "NOT_FOUND", "x"))).toBe(false);
    expect(shouldRetry(0, new ApiError(429, "RATE", "x"))).toBe(true);
    expect(shouldRetry(0, new ApiError(503, "DOWN", "x"))).toBe(true);
    expect(shouldRetry(2, new ApiError(0, "NETWORK", "x"))).toBe(true);
    expect(shouldRetry(3, new ApiError(0, "NETWORK", "x"))).toBe(false);
  });
});

describe("actionErrorMessage", () => {
  it("turns a 403 into a permission sentence and keeps other messages", () => {
    expect(actionErrorMessage(new ApiError(403, "FORBIDDEN", "missing permission users:manage"), "manage users")).toBe(
      "You don't have permission to manage users.",
    );
    expect(actionErrorMessage(new ApiError(409, "CONFLICT", "email already exists"), "invite users")).toBe("email already exists");
    expect(actionErrorMessage(new Error("boom"), "x")).toBe("boom");
  });
});

describe("fieldErrorMessage", () => {
  it("drops the field prefix the API puts in front of field errors", () => {
    expect(fieldErrorMessage(new ApiError(401, "UNAUTHENTICATED", "currentPassword: the current password is wrong", "currentPassword"))).toBe(
      "The current password is wrong",
    );
    expect(fieldErrorMessage(new ApiError(400, "VALIDATION", "body email: Invalid email address", "email"))).toBe("Invalid email address");
    expect(fieldErrorMessage(new ApiError(400, "VALIDATION", "must be at least 12 characters", "newPassword"))).toBe("Must be at least 12 characters");
    expect(fieldErrorMessage(new ApiError(409, "CONFLICT", "email is taken"))).toBe("Email is taken");
  });
});

describe("apiSend and Idempotency-Key", () => {
  it("a POST carries a key and is sent again with the same key after a 503 or a lost answer; other answers are not retried", async () => {
    const seen: (string | null)[] = [];
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const answers: (() => Response)[] = [
      () => json(503, { statusCode: 503, code: "DEPENDENCY_DOWN", message: "later" }),
      () => {
        throw new TypeError("Failed to fetch");
      },
      () => json(201, { id: 7 }),
      () => json(409, { statusCode: 409, code: "CONFLICT", message: "taken" }),
    ];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get("idempotency-key"));
      return answers[seen.length - 1]!();
    }) as typeof fetch;
    try {
      await expect(apiSend("POST", "/api/runs", { a: 1 })).resolves.toEqual({ id: 7 });
      expect(seen).toHaveLength(3);
      expect(seen[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(seen).size).toBe(1);
      await expect(apiSend("POST", "/api/runs", { a: 2 })).rejects.toMatchObject({ statusCode: 409 });
      expect(seen).toHaveLength(4);
      expect(seen[3]).not.toBe(seen[0]);
    } finally {
      globalThis.fetch = realFetch;
    }
  }, 15_000);
});
