export const MIN_PASSWORD_LENGTH = 12;

export type PasswordForm = { currentPassword: string; newPassword: string; confirm: string };
export type FieldError = { field: keyof PasswordForm; message: string };

/** Client-side checks before the server sees the form; the server stays the authority. */
export function validatePasswordChange(form: PasswordForm): FieldError | null {
  if (form.currentPassword === "") return { field: "currentPassword", message: "Enter your current password." };
  if ([...form.newPassword].length < MIN_PASSWORD_LENGTH) {
    return { field: "newPassword", message: `The new password must be at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (form.newPassword === form.currentPassword) {
    return { field: "newPassword", message: "The new password must differ from the current one." };
  }
  if (form.confirm !== form.newPassword) return { field: "confirm", message: "The two new passwords do not match." };
  return null;
}
