import { describe, expect, it } from "vitest";
import { validatePasswordChange } from "./password.ts";

const ok = { currentPassword: "old-password-1", newPassword: "correct horse battery", confirm: "correct horse battery" };

describe("validatePasswordChange", () => {
  it("accepts a long enough, confirmed new password", () => {
    expect(validatePasswordChange(ok)).toBeNull();
  });

  it("names the field that is wrong", () => {
    expect(validatePasswordChange({ ...ok, currentPassword: "" })?.field).toBe("currentPassword");
    expect(validatePasswordChange({ ...ok, newPassword: "short", confirm: "short" })?.field).toBe("newPassword");
    expect(validatePasswordChange({ ...ok, confirm: "correct horse battery!" })?.field).toBe("confirm");
    expect(validatePasswordChange({ ...ok, newPassword: ok.currentPassword, confirm: ok.currentPassword })?.field).toBe("newPassword");
  });

  it("counts characters, not UTF-16 units", () => {
    const pw = "🔑".repeat(11);
    expect(validatePasswordChange({ ...ok, newPassword: pw, confirm: pw })?.field).toBe("newPassword");
  });

  it("checks the server's rules: the email name and variety", () => {
    const pw = "dana-rocks-2026";
    expect(validatePasswordChange({ ...ok, newPassword: pw, confirm: pw }, "dana@ops.example")).toEqual({
      field: "newPassword",
      message: "The new password must not contain your email name.",
    });
    expect(validatePasswordChange({ ...ok, newPassword: "abababababab", confirm: "abababababab" })?.message).toBe("The new password is too repetitive.");
  });
});
