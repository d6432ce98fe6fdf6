import { describe, expect, it } from "vitest";
import { actionErrorMessage, ApiError, fieldErrorMessage, shouldRetry, toApiError } from "./api.ts";

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
    expect(fieldErrorMessage(new ApiError(400, "VALIDATION", "must be at least 12 characters", "newPassword"))).toBe(
      "Must be at least 12 characters",
    );
    expect(fieldErrorMessage(new ApiError(409, "CONFLICT", "email is taken"))).toBe("Email is taken");
  });
});
