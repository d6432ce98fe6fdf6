import { z } from "zod";

/** A PostgreSQL integer (int4) column: versions of postmortems, learnings and config copies. */
export const INT4_MAX = 2_147_483_647;
const EARLIEST = Date.parse("0001-01-01T00:00:00Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");
const storable = (s: string) => {
  const t = Date.parse(s);
  return t >= EARLIEST && t <= LATEST;
};

/** A record id. Ids are bigserial: positive, and no larger than a JSON number carries exactly. */
export const Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** A record id read from a path or a query string. */
export const IdText = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** The `:id` of a route whose records have numeric ids. */
export const IdParams = z.object({ id: IdText });
/** A version number kept in an int4 column (optimistic concurrency, config copies). */
export const Version = z.number().int().min(1).max(INT4_MAX);
/** A version number read from a path. */
export const VersionText = z.coerce.number().int().min(1).max(INT4_MAX);
/** A moment in any form Date.parse reads, within what PostgreSQL's timestamptz takes from us (years 0001–9999). */
export const DateText = z.string().max(64).refine(storable, "must be a date in the years 0001–9999 (ISO 8601)");
/** A moment in ISO 8601 with a time and an offset, years 0001–9999. */
export const IsoTimestamp = z.iso.datetime({ offset: true }).refine(storable, "must be in the years 0001–9999");
/** A monitoring threshold (percent or milliseconds), set by an admin or by a passed proposal. */
export const ThresholdValue = z.number().positive().max(600_000);

export const ErrorBody = z
  .object({
    statusCode: z.number().int(),
    code: z.string().describe("machine code, e.g. VALIDATION, NOT_FOUND"),
    message: z.string().describe("what went wrong and what to do about it"),
    field: z.string().optional().describe("the offending field, where there is one"),
    requestId: z.string().optional(),
    issues: z
      .array(z.object({ line: z.number().int(), id: z.string().nullable(), message: z.string() }))
      .optional()
      .describe("itemised problems, e.g. each malformed entry of an imported file with its line"),
  })
  .meta({ id: "Error" });

export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
  503: ErrorBody,
};
