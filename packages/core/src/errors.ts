export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RULE_VIOLATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  DEPENDENCY_DOWN: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error the services raise; each transport maps code to status once. */
export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Itemised problems, e.g. each malformed entry of an imported file with its line. */
  readonly issues: { line: number; id: string | null; message: string }[] | undefined;
  constructor(code: ErrorCode, message: string, field?: string, issues?: { line: number; id: string | null; message: string }[]) {
    super(message);
    this.name = "ServiceError";
    this.code = code;
    this.field = field;
    this.issues = issues;
  }
  get statusCode(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, field?: string) => new ServiceError("NOT_FOUND", `${what} not found`, field);
export const invalid = (field: string, message: string) => new ServiceError("VALIDATION", `${field}: ${message}`, field);

export type ErrorBody = {
  statusCode: number;
  code: ErrorCode;
  message: string;
  field?: string;
  requestId?: string;
  issues?: { line: number; id: string | null; message: string }[];
};
