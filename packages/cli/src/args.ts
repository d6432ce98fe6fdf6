/**
 * A small strict argument parser: every option must be declared, a value option needs its value, an option
 * given twice or an argument nobody asked for is bad usage. Errors are UsageError (exit 2) naming the option.
 */

export class UsageError extends Error {
  override name = "UsageError";
}

export type OptionSpec = {
  /** `value`: the next argument (or `--opt=value`) is required; `optional`: taken only when `accepts` matches it. */
  takes?: "value" | "optional";
  /** What the value is, for the message when it is missing ("a backup type"). */
  hint?: string;
  /** For `optional`: which next arguments are this option's value rather than a positional. */
  accepts?: RegExp;
};

export type ParsedArgs = {
  /** Options given: `true` for a switch (or an optional value left out), the value otherwise. */
  options: Map<string, string | true>;
  positionals: string[];
};

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>, opts: { command: string; positionals?: number }): ParsedArgs {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      if (positionals.length >= (opts.positionals ?? 0)) throw new UsageError(`${opts.command}: unexpected argument "${arg}"`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const s = spec[name];
    if (!s) throw new UsageError(`${opts.command}: unknown option ${name}`);
    if (options.has(name)) throw new UsageError(`${opts.command}: ${name} given twice`);
    const hint = s.hint ? ` (${s.hint})` : "";
    if (!s.takes) {
      if (inline !== undefined) throw new UsageError(`${opts.command}: ${name} takes no value`);
      options.set(name, true);
    } else if (inline !== undefined) {
      if (inline === "" || (s.accepts && !s.accepts.test(inline))) throw new UsageError(`${opts.command}: ${name} needs a value${hint}, got "${inline}"`);
      options.set(name, inline);
    } else if (s.takes === "value") {
      const next = argv[i + 1];
      if (next === undefined || next === "" || next.startsWith("--")) throw new UsageError(`${opts.command}: ${name} needs a value${hint}`);
      options.set(name, next);
      i++;
    } else {
      const next = argv[i + 1];
      if (next !== undefined && (s.accepts ?? /.^/).test(next)) {
        options.set(name, next);
        i++;
      } else {
        options.set(name, true);
      }
    }
  }
  return { options, positionals };
}

/** A value option's value, or undefined when it was not given. */
export function valueOf(p: ParsedArgs, name: string): string | undefined {
  const v = p.options.get(name);
  return typeof v === "string" ? v : undefined;
}
