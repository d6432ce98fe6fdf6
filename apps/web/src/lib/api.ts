export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.statusCode === 0;
  }

  get isNotFound(): boolean {
    return this.statusCode === 404;
  }
}

type ErrorBody = { statusCode?: unknown; code?: unknown; message?: unknown; field?: unknown; requestId?: unknown };

/** Turns a non-2xx response body into an ApiError, falling back to the HTTP status line. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  const b = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  const message =
    typeof b.message === "string" && b.message.trim() !== ""
      ? b.message
      : `The API answered HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  return new ApiError(
    typeof b.statusCode === "number" ? b.statusCode : status,
    typeof b.code === "string" ? b.code : `HTTP_${status}`,
    message,
    typeof b.field === "string" ? b.field : undefined,
    typeof b.requestId === "string" ? b.requestId : undefined,
  );
}

export async function apiGet<T>(path: string, init: { signal?: AbortSignal } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: "application/json" }, credentials: "same-origin", signal: init.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "Cannot reach the OpenClaw Ops API (network error)");
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, "BAD_BODY", `The API answered ${path} with a body that is not JSON`);
    }
  }
  if (!res.ok) {
    // A proxy in front of a stopped API answers 5xx without our JSON: that is "unreachable", not an API error.
    if (res.status >= 500 && body === undefined) {
      throw new ApiError(0, "NETWORK", `Cannot reach the OpenClaw Ops API (HTTP ${res.status} without an API error body)`);
    }
    throw toApiError(res.status, res.statusText, body);
  }
  return body as T;
}

/** Queries should not retry answers that will not change (bad request, not found, forbidden). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429) {
    return false;
  }
  return failureCount < 3;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
