/**
 * The first line of standard input for a command that takes a secret on stdin (`read-card -`,
 * `staff-pin set` without a terminal): bounded in time and in length, so a silent or endless pipe
 * never hangs a technician's command. Null at end of input with nothing read, after `timeoutMs`, or
 * when more than `maxChars` arrive without a newline. The text is the caller's to wipe or drop.
 */
export function readStdinLine(timeoutMs: number, maxChars = 256): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = "";
    const done = (v: string | null): void => {
      clearTimeout(timer);
      process.stdin.off("data", onData);
      process.stdin.off("end", onEnd);
      process.stdin.pause();
      resolve(v);
    };
    const onData = (d: Buffer): void => {
      buf += d.toString("utf8");
      const nl = buf.indexOf("\n");
      if (nl >= 0) done(buf.slice(0, nl));
      else if (buf.length > maxChars) done(null);
    };
    const onEnd = (): void => done(buf.length > 0 ? buf : null);
    const timer = setTimeout(() => done(null), timeoutMs);
    process.stdin.on("data", onData);
    process.stdin.on("end", onEnd);
  });
}
