import type { ReactNode } from "react";

type Props = { tone: "error" | "warning" | "info"; children: ReactNode; action?: ReactNode; testId?: string };

export function Banner({ tone, children, action, testId }: Props) {
  return (
    <div className={`banner banner--${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      <span className="banner__icon" aria-hidden="true">
        {tone === "info" ? "i" : "!"}
      </span>
      <div className="banner__text">{children}</div>
      {action}
    </div>
  );
}
