export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly requestId?: string,
    /** The whole error body, for answers that carry more than the message (an import's `issues`). */
    readonly body?: unknown,
  ) {
    super(message);
  }

  get isNetwork(): boolean {
    return this.statusCode === 0;
  }

  get isNotFound(): boolean {
    return this.statusCode === 404;
  }

  get isUnauthenticated(): boolean {
    return this.statusCode === 401;
  }

  get isForbidden(): boolean {
    return this.statusCode === 403;
  }
}

type ErrorBody = { statusCode?: unknown; code?: unknown; message?: unknown; field?: unknown; requestId?: unknown };

/** Turns a non-2xx response body into an ApiError, falling back to the HTTP status line. */
export function toApiError(status: number, statusText: string, body: unknown): ApiError {
  const b = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  const message = typeof b.message === "string" && b.message.trim() !== "" ? b.message : `The API answered HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  return new ApiError(
    typeof b.statusCode === "number" ? b.statusCode : status,
    typeof b.code === "string" ? b.code : `HTTP_${status}`,
    message,
    typeof b.field === "string" ? b.field : undefined,
    typeof b.requestId === "string" ? b.requestId : undefined,
    body,
  );
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A random Idempotency-Key; crypto.randomUUID exists only on https and localhost, getRandomValues everywhere. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function request<T>(method: Method, path: string, body: unknown, signal: AbortSignal | undefined, extra: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...extra };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "Cannot reach the OpenClaw Ops API (network error)");
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, "BAD_BODY", `The API answered ${path} with a body that is not JSON`);
    }
  }
  if (!res.ok) {
    // A proxy in front of a stopped API answers 5xx without our JSON: that is "unreachable", not an API error.
    if (res.status >= 500 && parsed === undefined) {
      throw new ApiError(0, "NETWORK", `Cannot reach the OpenClaw Ops API (HTTP ${res.status} without an API error body)`);
    }
    throw toApiError(res.status, res.statusText, parsed);
  }
  return parsed as T;
}

export function apiGet<T>(path: string, init: { signal?: AbortSignal } = {}): Promise<T> {
  return request<T>("GET", path, undefined, init.signal);
}

const RETRY_DELAYS_MS = [1000, 3000];

/**
 * State-changing call; resolves to undefined for 204 No Content. A POST carries an Idempotency-Key and is
 * sent again with the same key when the answer is lost (network error) or the API says nothing was done
 * (503): the server answers a repeat with the first answer, so a retry never creates twice.
 */
export async function apiSend<T = void>(method: Exclude<Method, "GET">, path: string, body?: unknown): Promise<T> {
  if (method !== "POST") return request<T>(method, path, body, undefined);
  const key = { "idempotency-key": newIdempotencyKey() };
  for (let attempt = 0; ; attempt++) {
    try {
      return await request<T>(method, path, body, undefined, key);
    } catch (err) {
      const retriable = err instanceof ApiError && (err.statusCode === 0 || err.statusCode === 503);
      if (!retriable || attempt >= RETRY_DELAYS_MS.length) throw err;
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
    }
  }
}

/** Queries should not retry answers that will not change (bad request, not found, forbidden). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.statusCode >= 400 && error.statusCode < 500 && error.statusCode !== 429) {
    return false;
  }
  return failureCount < 3;
}

/** Inline wording for an error; a 403 says what the user is not allowed to do. */
export function actionErrorMessage(error: unknown, action: string): string {
  if (error instanceof ApiError && error.isForbidden) return `You don't have permission to ${action}.`;
  return errorMessage(error);
}

/** The message for an error shown next to its field: without a leading "body email:" style prefix. */
export function fieldErrorMessage(error: ApiError): string {
  const field = error.field;
  let text = error.message;
  if (field) {
    const i = text.indexOf(`${field}:`);
    if (i !== -1 && i <= 12) text = text.slice(i + field.length + 1).trim();
  }
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : error.message;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A 409 on `version`: someone saved the record since it was loaded. */
export function isVersionConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && error.statusCode === 409 && error.field === "version";
}
