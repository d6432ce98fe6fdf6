import { passwordChecks, type PasswordCheck } from "@ops/domain/password";

export { MIN_PASSWORD_LENGTH, passwordChecks, type PasswordCheck } from "@ops/domain/password";

export type PasswordForm = { currentPassword: string; newPassword: string; confirm: string };
export type FieldError = { field: keyof PasswordForm; message: string };

/**
 * Client-side checks before the server sees the form, with the server's own password rules (`@ops/domain/password`);
 * the server stays the authority.
 */
export function validatePasswordChange(form: PasswordForm, email?: string | null): FieldError | null {
  if (form.currentPassword === "") return { field: "currentPassword", message: "Enter your current password." };
  const broken: PasswordCheck | undefined = passwordChecks(form.newPassword, email).find((c) => !c.ok);
  if (broken) return { field: "newPassword", message: `The new password ${broken.problem}.` };
  if (form.newPassword === form.currentPassword) {
    return { field: "newPassword", message: "The new password must differ from the current one." };
  }
  if (form.confirm !== form.newPassword) return { field: "confirm", message: "The two new passwords do not match." };
  return null;
}
