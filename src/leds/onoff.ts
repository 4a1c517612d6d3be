/**
 * Status lights on GPIO through `onoff` (sysfs /sys/class/gpio).
 *
 * The gpiochip base is resolved at start-up, never assumed: Raspberry Pi OS kernels ≥ 6.6 number
 * the sysfs GPIOs of the main chip from 512 on a Pi 4 (label "pinctrl-bcm2711") and from 571 on a
 * Pi 5 ("pinctrl-rp1"), older kernels from 0, and on a Pi 5 the RP1 chip moved from gpiochip4 to
 * gpiochip0 with 6.6.47. So `new Gpio(17)` fails with EINVAL on current kernels (fivdi/onoff#199,
 * #200); we read every `<sysfsRoot>/gpiochip*\/label` and `base`, pick the chip whose label is a
 * known Raspberry Pi main GPIO controller, and open `base + offset`.
 *
 * Failure is loud: no main chip, a line beyond `ngpio`, or a line that cannot be exported rejects
 * `openOnoffLeds`, and main.ts reports leds "missing" (it never falls back to the simulator in
 * production). A write that fails later marks the port "error" and is logged by event name.
 * sysfs GPIO is deprecated upstream; see README (packages) for the bookworm/trixie caveat.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Gpio } from "onoff";
import type { Logger } from "../log";
import type { DeviceHealth, LedPattern } from "../protocol";
import { lightsFor, type LedColour, type LedPort } from "./leds";

/** Labels of the Raspberry Pi main GPIO controller, newest first. */
export const MAIN_CHIP_LABELS = ["pinctrl-rp1", "pinctrl-bcm2712", "pinctrl-bcm2711", "pinctrl-bcm2835"] as const;

export interface GpioChipInfo {
  chip: string;
  label: string;
  base: number;
  ngpio: number;
}

/** One output line, as much of onoff's `Gpio` as the lights need. */
export interface GpioLine {
  writeSync(value: 0 | 1): void;
  unexport(): void;
}

export interface OnoffLedsDeps {
  sysfsRoot: string;
  /** BCM line offsets on the main chip. */
  lines: Readonly<Record<LedColour, number>>;
  log: Logger;
  /** Opens a global sysfs GPIO number as an output (default: onoff's `new Gpio(n, "out")`). */
  openLine?: (gpio: number) => GpioLine;
}

async function readTrim(file: string): Promise<string> {
  return (await readFile(file, "utf8")).trim();
}

/** Every gpiochip under `sysfsRoot` with its label, base and line count. */
export async function listGpioChips(sysfsRoot: string): Promise<GpioChipInfo[]> {
  const names = (await readdir(sysfsRoot)).filter((n) => /^gpiochip\d+$/.test(n));
  const chips: GpioChipInfo[] = [];
  for (const chip of names) {
    const dir = path.join(sysfsRoot, chip);
    const [label, base, ngpio] = await Promise.all([
      readTrim(path.join(dir, "label")),
      readTrim(path.join(dir, "base")),
      readTrim(path.join(dir, "ngpio")).catch(() => "0"),
    ]);
    chips.push({ chip, label, base: Number(base), ngpio: Number(ngpio) });
  }
  return chips;
}

/** The main GPIO chip of a Raspberry Pi, by label; throws with what was found otherwise. */
export async function resolveMainChip(sysfsRoot: string): Promise<GpioChipInfo> {
  const chips = await listGpioChips(sysfsRoot);
  for (const label of MAIN_CHIP_LABELS) {
    const hit = chips.find((c) => c.label === label);
    if (hit && Number.isInteger(hit.base) && hit.base >= 0) return hit;
  }
  const found = chips.map((c) => `${c.chip}=${c.label}@${c.base}`).join(", ") || "none";
  throw new Error(`no Raspberry Pi main GPIO chip under ${sysfsRoot} (found: ${found})`);
}

export async function openOnoffLeds(deps: OnoffLedsDeps): Promise<LedPort & { chip: GpioChipInfo }> {
  const chip = await resolveMainChip(deps.sysfsRoot);
  const open = deps.openLine ?? ((n: number): GpioLine => new Gpio(n, "out"));
  const colours: LedColour[] = ["green", "amber", "red"];
  const lines = {} as Record<LedColour, GpioLine>;
  try {
    for (const c of colours) {
      const offset = deps.lines[c];
      if (chip.ngpio > 0 && offset >= chip.ngpio) throw new Error(`${c} line ${offset} is beyond ${chip.chip} (${chip.ngpio} lines)`);
      lines[c] = open(chip.base + offset);
    }
  } catch (e) {
    for (const c of colours) lines[c]?.unexport();
    throw e;
  }
  deps.log.info("leds.opened", { chip: chip.chip, label: chip.label, base: chip.base });

  let current: LedPattern = "off";
  let health: DeviceHealth = "ok";
  let timers: ReturnType<typeof setInterval>[] = [];

  const write = (c: LedColour, v: 0 | 1) => {
    try {
      lines[c].writeSync(v);
    } catch (e) {
      if (health === "ok") deps.log.error("leds.write-failed", { colour: c, error: e instanceof Error ? e.name : typeof e });
      health = "error";
    }
  };

  const show = (pattern: LedPattern) => {
    for (const t of timers) clearInterval(t);
    timers = [];
    current = pattern;
    const want = lightsFor(pattern);
    for (const c of colours) {
      const s = want[c];
      if (s === "on" || s === "off") {
        write(c, s === "on" ? 1 : 0);
        continue;
      }
      let on = true;
      write(c, 1);
      const t = setInterval(() => {
        on = !on;
        write(c, on ? 1 : 0);
      }, s.blinkMs);
      t.unref();
      timers.push(t);
    }
  };
  show("off");

  return {
    chip,
    show,
    current: () => current,
    health: () => health,
    close() {
      show("off");
      for (const c of colours) {
        try {
          lines[c].unexport();
        } catch {
          /* already gone */
        }
      }
      return Promise.resolve();
    },
  };
}
