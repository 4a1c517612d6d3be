/**
 * `kioskctl rollback`: go back to the other A/B slot (normally the previous release). The switch uses
 * the same one-shot tryboot as an update: `rauc status mark-active other` makes the other slot the
 * tryboot target, `systemctl reboot "0 tryboot"` starts it once, and the post-boot health check
 * commits it only when the daemon there gets ready. If it does not, the kiosk comes back to this slot.
 */
import type { Command } from "./command";
import { lastLine, otherRootSlot, raucStatus, rebootTryboot, runTool, tools } from "./update";

const USAGE = [
  "usage: kioskctl rollback [--force] [--no-reboot]",
  "",
  "Switches to the slot that is not running (the previous release) and reboots into it once. The",
  "health check after that boot keeps it only when the daemon reports ready; otherwise the kiosk",
  "returns to the current slot. Refuses when the other slot is marked bad (a failed update) unless",
  "--force. Run as root (sudo). Reconnect after the reboot and run `kioskctl update --result`.",
  "",
  "Exit codes: 0 switching (rebooting), 1 refused (other slot bad or never installed), 2 usage,",
  "5 RAUC refused the switch, 6 reboot failed, 7 RAUC not available.",
].join("\n");

export const rollbackCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    let force = false;
    let reboot = true;
    for (const a of args) {
      if (a === "--force") force = true;
      else if (a === "--no-reboot") reboot = false;
      else {
        io.err(`kioskctl rollback: unknown argument ${a}\n`);
        return 2;
      }
    }
    const status = await raucStatus(io);
    if (typeof status === "string") {
      io.err(`kioskctl rollback: ${status}\n`);
      return 7;
    }
    const other = otherRootSlot(status);
    if (!other) {
      io.err("kioskctl rollback: there is no other slot to go back to\n");
      return 1;
    }
    io.out(`running slot ${status.booted ?? "?"}; other slot ${other.bootname ?? "?"} (${other.bootStatus ?? "?"})\n`);
    if (other.bootStatus === "bad" && !force) {
      io.err(
        `kioskctl rollback: slot ${other.bootname ?? "?"} is marked bad (a failed update?); use --force to try it anyway\n`,
      );
      return 1;
    }
    const t = tools(io.env);
    const r = await runTool(io, t.rauc, [...t.raucGlobal, "status", "mark-active", "other"]);
    if (r.code !== 0) {
      io.err(`kioskctl rollback: rauc refused (exit ${r.code}): ${lastLine(r.stderr)}\n`);
      return r.code === 127 ? 7 : 5;
    }
    io.out(`slot ${other.bootname ?? "?"} will be tried once at the next reboot\n`);
    if (!reboot) {
      io.out('not rebooting (--no-reboot); run `reboot "0 tryboot"` to switch\n');
      return 0;
    }
    io.out("rebooting (tryboot); reconnect and run `kioskctl update --result`\n");
    return (await rebootTryboot(io)) ? 0 : 6;
  },
};
