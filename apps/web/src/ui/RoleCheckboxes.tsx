import { ROLES } from "../lib/identity.ts";
import type { Role } from "../lib/identity.ts";

type Props = {
  value: readonly Role[];
  onChange: (roles: Role[]) => void;
  /** Roles that may be picked; others are not shown at all. */
  allowed?: readonly Role[];
  /** Roles shown but locked, with the reason as a tooltip. */
  locked?: Partial<Record<Role, string>>;
  idPrefix: string;
  testIdPrefix?: string;
  legend: string;
  disabled?: boolean;
};

export function RoleCheckboxes({ value, onChange, allowed = ROLES, locked = {}, idPrefix, testIdPrefix, legend, disabled }: Props) {
  const toggle = (role: Role, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(role);
    else next.delete(role);
    onChange(ROLES.filter((r) => next.has(r)));
  };
  return (
    <fieldset className="roles-pick" disabled={disabled}>
      <legend>{legend}</legend>
      {ROLES.filter((r) => allowed.includes(r)).map((r) => {
        const lock = locked[r];
        return (
          <label key={r} className="check" title={lock}>
            <input
              type="checkbox"
              id={`${idPrefix}-${r}`}
              checked={value.includes(r)}
              disabled={lock !== undefined}
              onChange={(e) => toggle(r, e.target.checked)}
              data-testid={testIdPrefix ? `${testIdPrefix}${r}` : undefined}
            />
            <span className={`chip chip--${r}`}>{r}</span>
          </label>
        );
      })}
    </fieldset>
  );
}
