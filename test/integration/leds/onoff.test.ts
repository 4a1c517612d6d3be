/**
 * The onoff LED adapter against fake sysfs trees laid out like a Pi 4 and a Pi 5 on Raspberry Pi OS
 * bookworm (kernel 6.6+) and like an older kernel, with the GPIO lines replaced by recorders
 * (this machine has no GPIO; the real lines are exercised on a Pi with TEST_GPIO=1).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openOnoffLeds, resolveMainChip, type GpioLine } from "../../../src/leds/onoff";
import { memoryLogger } from "../../../src/log";

let root = "";
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "mynaguard-gpio-"));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

function chip(name: string, label: string, base: number, ngpio: number) {
  const dir = path.join(root, name);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "label"), label + "\n");
  writeFileSync(path.join(dir, "base"), `${base}\n`);
  writeFileSync(path.join(dir, "ngpio"), `${ngpio}\n`);
}

class Recorder implements GpioLine {
  writes: (0 | 1)[] = [];
  unexported = false;
  fail = false;
  constructor(readonly gpio: number) {}
  writeSync(v: 0 | 1) {
    if (this.fail) throw new Error("EIO");
    this.writes.push(v);
  }
  unexport() {
    this.unexported = true;
  }
}

function opener() {
  const opened: Recorder[] = [];
  return { opened, openLine: (n: number) => { const r = new Recorder(n); opened.push(r); return r; } };
}

const LINES = { green: 17, amber: 27, red: 22 };

describe("resolving the gpiochip base", () => {
  it("finds base 512 on a Pi 4 with bookworm's kernel, next to the firmware expander", async () => {
    chip("gpiochip512", "pinctrl-bcm2711", 512, 58);
    chip("gpiochip570", "raspberrypi-exp-gpio", 570, 8);
    const o = opener();
    const leds = await openOnoffLeds({ sysfsRoot: root, lines: LINES, log: memoryLogger(), openLine: o.openLine });
    expect(leds.chip).toMatchObject({ label: "pinctrl-bcm2711", base: 512 });
    expect(o.opened.map((r) => r.gpio)).toEqual([529, 539, 534]);
    await leds.close();
    expect(o.opened.every((r) => r.unexported)).toBe(true);
  });

  it("finds base 571 on a Pi 5, whichever gpiochip number the RP1 got", async () => {
    chip("gpiochip512", "gpio-brcmstb@107d508500", 512, 32);
    chip("gpiochip544", "gpio-brcmstb@107d508520", 544, 15);
    chip("gpiochip571", "pinctrl-rp1", 571, 54);
    const o = opener();
    const leds = await openOnoffLeds({ sysfsRoot: root, lines: LINES, log: memoryLogger(), openLine: o.openLine });
    expect(o.opened.map((r) => r.gpio)).toEqual([588, 598, 593]);
    await leds.close();
  });

  it("uses base 0 on an older kernel", async () => {
    chip("gpiochip0", "pinctrl-bcm2835", 0, 54);
    expect(await resolveMainChip(root)).toMatchObject({ base: 0 });
  });

  it("fails loudly, naming what it found, when there is no Raspberry Pi GPIO chip", async () => {
    chip("gpiochip0", "some-usb-gpio", 0, 8);
    await expect(resolveMainChip(root)).rejects.toThrow(/gpiochip0=some-usb-gpio@0/);
  });

  it("refuses a line beyond the chip and releases the lines it had opened", async () => {
    chip("gpiochip512", "pinctrl-bcm2711", 512, 58);
    const o = opener();
    await expect(
      openOnoffLeds({ sysfsRoot: root, lines: { green: 17, amber: 60, red: 22 }, log: memoryLogger(), openLine: o.openLine }),
    ).rejects.toThrow(/beyond/);
    expect(o.opened.every((r) => r.unexported)).toBe(true);
  });
});

describe("patterns on the lines", () => {
  it("drives steady patterns and blinks amber while busy, stopping the blink on the next pattern", async () => {
    vi.useFakeTimers();
    chip("gpiochip512", "pinctrl-bcm2711", 512, 58);
    const o = opener();
    const leds = await openOnoffLeds({ sysfsRoot: root, lines: LINES, log: memoryLogger(), openLine: o.openLine });
    const [green, amber, red] = o.opened as [Recorder, Recorder, Recorder];
    leds.show("ready");
    expect([green.writes.at(-1), amber.writes.at(-1), red.writes.at(-1)]).toEqual([0, 0, 0]); // issue 14: the tower is dark while the kiosk waits (green means pass only)
    leds.show("pass");
    expect([green.writes.at(-1), amber.writes.at(-1), red.writes.at(-1)]).toEqual([1, 0, 0]);
    leds.show("busy");
    const before = amber.writes.length;
    vi.advanceTimersByTime(1000);
    expect(amber.writes.length - before).toBe(4); // 250 ms half-period
    leds.show("fail");
    const after = amber.writes.length;
    vi.advanceTimersByTime(1000);
    expect(amber.writes.length).toBe(after);
    expect([green.writes.at(-1), amber.writes.at(-1), red.writes.at(-1)]).toEqual([0, 0, 1]);
    expect(leds.current()).toBe("fail");
    await leds.close();
  });

  it("reports an error after a failed write, without throwing into the caller", async () => {
    chip("gpiochip512", "pinctrl-bcm2711", 512, 58);
    const o = opener();
    const log = memoryLogger();
    const leds = await openOnoffLeds({ sysfsRoot: root, lines: LINES, log, openLine: o.openLine });
    (o.opened[2] as Recorder).fail = true;
    expect(() => leds.show("fail")).not.toThrow();
    expect(leds.health()).toBe("error");
    expect(log.lines.join("")).toContain("leds.write-failed");
    await leds.close();
  });
});

describe("the real status lights (on a Raspberry Pi)", () => {
  const gpio = process.env["TEST_GPIO"];
  it.skipIf(!gpio)(
    "shows every pattern on the lights wired to BCM 17/27/22 (run on a Pi with TEST_GPIO=1, watch the tower)",
    async () => {
      const leds = await openOnoffLeds({ sysfsRoot: "/sys/class/gpio", lines: LINES, log: memoryLogger() });
      for (const p of ["ready", "busy", "pass", "fail", "refer", "out-of-service"] as const) {
        leds.show(p);
        await new Promise((r) => setTimeout(r, 1000));
        expect(leds.health()).toBe("ok");
      }
      await leds.close();
    },
  );
});
