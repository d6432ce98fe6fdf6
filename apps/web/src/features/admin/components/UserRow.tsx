import type { Role, UserListItem } from "@ops/contract";
import { useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatAgo, formatDay } from "../../../lib/format.ts";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { RoleCheckboxes } from "../../../ui/RoleCheckboxes.tsx";
import { RoleChips } from "../../../ui/RoleChips.tsx";
import { useDeleteUser, useResetPassword, useUpdateUser } from "../queries.ts";
import { deletable, sameRoles, selfRoleLocks } from "../users.ts";

type Props = {
  user: UserListItem;
  selfId: string;
  now: number;
  onTemporaryPassword: (email: string, password: string) => void;
};

export function UserRow({ user, selfId, now, onTemporaryPassword }: Props) {
  const update = useUpdateUser();
  const reset = useResetPassword();
  const remove = useDeleteUser();
  const [draft, setDraft] = useState<Role[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const self = user.id === selfId;

  const saveRoles = () => {
    if (!draft) return;
    if (draft.length === 0) {
      setError("Pick at least one role.");
      return;
    }
    if (sameRoles(draft, user.roles)) {
      setDraft(null);
      return;
    }
    setError(null);
    update.mutate(
      { id: user.id, patch: { roles: draft } },
      { onSuccess: () => setDraft(null), onError: (e) => setError(actionErrorMessage(e, "change roles")) },
    );
  };

  const setDisabled = (disabled: boolean) => {
    setError(null);
    update.mutate({ id: user.id, patch: { disabled } }, { onError: (e) => setError(actionErrorMessage(e, disabled ? "disable users" : "enable users")) });
  };

  const resetPassword = () => {
    setError(null);
    reset.mutate(user.id, {
      onSuccess: ({ temporaryPassword }) => onTemporaryPassword(user.email, temporaryPassword),
      onError: (e) => setError(actionErrorMessage(e, "reset passwords")),
    });
  };

  const deleteUser = () => {
    setError(null);
    remove.mutate(user.id, { onError: (e) => setError(actionErrorMessage(e, "delete users")) });
  };

  return (
    <tr className={user.disabled ? "is-disabled" : undefined} data-testid={`user-row-${user.email}`} data-disabled={user.disabled}>
      <td className="cell-strong cell-nowrap">
        {user.email}
        {self && <span className="tag tag--you">you</span>}
      </td>
      <td>{user.displayName}</td>
      <td>
        {draft ? (
          <div className="row-edit">
            <RoleCheckboxes
              legend={`Roles for ${user.email}`}
              idPrefix={`roles-${user.id}`}
              testIdPrefix="user-role-"
              value={draft}
              onChange={setDraft}
              locked={selfRoleLocks(selfId, user)}
              disabled={update.isPending}
            />
            <div className="row-edit__actions">
              <button type="button" className="btn btn--sm btn--primary" onClick={saveRoles} disabled={update.isPending} data-testid="user-save-roles">
                {update.isPending ? "Saving…" : "Save"}
              </button>
              <button
                type="button"
                className="btn btn--sm"
                onClick={() => {
                  setDraft(null);
                  setError(null);
                }}
              >
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <RoleChips roles={user.roles} />
        )}
      </td>
      <td>
        <span className={`state state--${user.disabled ? "off" : "on"}`} data-testid="user-status">
          {user.disabled ? "Disabled" : "Active"}
        </span>
        {user.mustChangePassword && !user.disabled && <span className="cell-note">must set password</span>}
      </td>
      <td className="cell-nowrap" title={user.lastLoginAt ? formatDay(user.lastLoginAt, now) : undefined}>
        {user.lastLoginAt ? formatAgo(user.lastLoginAt, now) : <span className="muted">never</span>}
      </td>
      <td className="cell-nowrap">{formatDay(user.createdAt, now)}</td>
      <td className="cell-actions">
        <div className="actions">
          {!draft && (
            <button type="button" className="btn btn--sm" onClick={() => setDraft(user.roles)} data-testid="user-edit-roles">
              Edit roles
            </button>
          )}
          {!self && (
            <ConfirmButton
              label={user.disabled ? "Enable" : "Disable"}
              question={user.disabled ? "Let them sign in again?" : "Disable and end their sessions?"}
              confirmLabel={user.disabled ? "Enable" : "Disable"}
              danger={!user.disabled}
              pending={update.isPending && !draft}
              onConfirm={() => setDisabled(!user.disabled)}
              testId="user-toggle-disabled"
            />
          )}
          {!self && !user.disabled && (
            <ConfirmButton
              label="Reset password"
              question="New temporary password, end their sessions?"
              confirmLabel="Reset"
              danger
              pending={reset.isPending}
              onConfirm={resetPassword}
              testId="user-reset-password"
            />
          )}
          {deletable(user, selfId) && (
            <ConfirmButton
              label="Delete"
              question="They never acted: delete the account for good?"
              confirmLabel="Delete"
              danger
              pending={remove.isPending}
              onConfirm={deleteUser}
              testId="user-delete"
            />
          )}
        </div>
        {error && (
          <p className="inline-error" role="alert" data-testid="user-row-error">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
