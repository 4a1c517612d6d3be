/**
 * The shape of a kioskctl command (types only). Every src/cli/<command>.ts exports one `Command`;
 * src/cli/kioskctl.ts lists them (with their one-line summaries) and loads each one only when it is
 * asked for.
 */
export interface Command {
  /** Full usage text for `kioskctl <command> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
}
