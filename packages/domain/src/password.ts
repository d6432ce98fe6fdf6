// The password rules, once: the API refuses with the first rule a password breaks, the dashboard shows every rule
// before the person types and ticks them off as they type, and `npm start` checks OPS_ADMIN_PASSWORD with them before
// it creates anything. No imports, so the dashboard can load this file alone (`@ops/domain/password`).

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
/** Fewer distinct characters than this is "too repetitive" (`abababababab`). */
export const MIN_DISTINCT_CHARACTERS = 4;
/** An email name shorter than this is not a word a guesser would try first, and would refuse half the alphabet. */
const MIN_EMAIL_NAME = 3;

export type PasswordRuleId = "length" | "max-length" | "email-name" | "variety";

export type PasswordCheck = {
  id: PasswordRuleId;
  /** The rule as the form lists it before anything is typed. */
  rule: string;
  /** The API's refusal when the rule is broken ("newPassword must be at least 12 characters"). */
  problem: string;
  ok: boolean;
};

/** The part of an email before the @, as the email-name rule compares it; null when too short to matter. */
export function emailName(email: string | null | undefined): string | null {
  const name = (email ?? "").trim().toLowerCase().split("@")[0] ?? "";
  return name.length >= MIN_EMAIL_NAME ? name : null;
}

/** Every rule with whether the password keeps it, in the order the form lists them. Length counts characters, not UTF-16 units. */
export function passwordChecks(password: string, email?: string | null): PasswordCheck[] {
  const length = [...password].length;
  const name = emailName(email);
  return [
    {
      id: "length",
      rule: `At least ${MIN_PASSWORD_LENGTH} characters`,
      problem: `must be at least ${MIN_PASSWORD_LENGTH} characters`,
      ok: length >= MIN_PASSWORD_LENGTH,
    },
    {
      id: "max-length",
      rule: `At most ${MAX_PASSWORD_LENGTH} characters`,
      problem: `must be at most ${MAX_PASSWORD_LENGTH} characters`,
      ok: length <= MAX_PASSWORD_LENGTH,
    },
    {
      id: "email-name",
      rule: name ? `Does not contain your email name (“${name}”)` : "Does not contain your email name",
      problem: "must not contain your email name",
      ok: name === null || !password.toLowerCase().includes(name),
    },
    {
      id: "variety",
      rule: `At least ${MIN_DISTINCT_CHARACTERS} different characters`,
      problem: "is too repetitive",
      ok: new Set(password).size >= MIN_DISTINCT_CHARACTERS,
    },
  ];
}

/** The first rule the password breaks, as the API says it ("must be at least 12 characters"), or null. */
export function passwordProblem(password: string, email?: string | null): string | null {
  return passwordChecks(password, email).find((c) => !c.ok)?.problem ?? null;
}
