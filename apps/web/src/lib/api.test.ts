import { describe, expect, it } from "vitest";
import { ApiError, shouldRetry, toApiError } from "./api.ts";

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
