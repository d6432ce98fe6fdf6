export function Logo({ className = "brand__logo" }: { className?: string }) {
  return (
    <svg className={className} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--surface-2)" />
      <circle cx="16" cy="16" r="9" fill="none" stroke="var(--ok)" strokeWidth="3" />
      <circle cx="16" cy="16" r="3.5" fill="var(--ok)" />
    </svg>
  );
}
