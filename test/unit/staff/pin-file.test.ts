import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileLockoutStore, LOCKOUT_FILE, openStaffPinFile, PIN_FILE, SCRYPT, setStaffPin } from "../../../src/compose/staff-pin-file";
import { staffPinCommand } from "../../../src/cli/staff-pin";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), "mynaguard-pin-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("the staff PIN file", () => {
  it("stores only a salted scrypt hash (0600) that verifies the PIN and nothing else", async () => {
    const dir = tmp();
    await setStaffPin(dir, "483920");
    const text = readFileSync(path.join(dir, PIN_FILE), "utf8");
    expect(text).not.toContain("483920");
    expect(JSON.parse(text)).toMatchObject({ v: 1, kdf: "scrypt", N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    expect(statSync(path.join(dir, PIN_FILE)).mode & 0o777).toBe(0o600);
    const { port, problem } = openStaffPinFile(dir);
    expect([port.state, problem]).toEqual(["set", null]);
    expect(await port.verify("483920")).toBe(true);
    for (const wrong of ["483921", "2580", "48392", "4839200", "", "abcdef"]) expect(await port.verify(wrong)).toBe(false);
  });

  it("salts: the same PIN twice gives two different hashes", async () => {
    const [a, b] = [tmp(), tmp()];
    await setStaffPin(a, "1234");
    await setStaffPin(b, "1234");
    expect(readFileSync(path.join(a, PIN_FILE), "utf8")).not.toBe(readFileSync(path.join(b, PIN_FILE), "utf8"));
  });

  it("reads a missing file as not-set and a damaged one as unreadable, never as a default PIN", async () => {
    const dir = tmp();
    expect(openStaffPinFile(dir).problem).toBe("missing");
    expect(openStaffPinFile(dir).port.state).toBe("not-set");
    writeFileSync(path.join(dir, PIN_FILE), '{"v":1,"kdf":"scrypt","N":2,"r":1,"p":1,"salt":"","hash":""}');
    const r = openStaffPinFile(dir);
    expect([r.port.state, r.problem]).toEqual(["not-set", "unreadable"]);
    expect(await r.port.verify("2580")).toBe(false);
  });

  it("keeps the lock-out in the state directory across store instances (restarts)", () => {
    const dir = tmp();
    fileLockoutStore(dir).save({ wrong: 2, locks: 3, lockedUntil: 123_456 });
    expect(fileLockoutStore(dir).load()).toEqual({ wrong: 2, locks: 3, lockedUntil: 123_456 });
    expect(statSync(path.join(dir, LOCKOUT_FILE)).mode & 0o777).toBe(0o600);
    writeFileSync(path.join(dir, LOCKOUT_FILE), "garbage");
    const errors: string[] = [];
    expect(fileLockoutStore(dir, (w) => errors.push(w)).load()).toBeNull();
    expect(errors).toEqual(["lockout-file-unreadable"]);
  });
});

describe("kioskctl staff-pin", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), env: {} } };
  };

  it("sets the PIN from standard input and reports status", async () => {
    const dir = tmp();
    const c = io();
    const cmd = staffPinCommand({ isTty: false, readPin: () => Promise.resolve("905174\n") });
    expect(await cmd.run(["set", "--state-dir", dir], c.io)).toBe(0);
    expect(c.out.join("") + c.err.join("")).not.toContain("905174");
    expect(await openStaffPinFile(dir).port.verify("905174")).toBe(true);
    const s = io();
    expect(await staffPinCommand().run(["status", "--state-dir", dir], s.io)).toBe(0);
    expect(s.out.join("")).toBe("set\n");
  });

  it("asks twice on a terminal and changes nothing when the two differ or the PIN is malformed", async () => {
    const dir = tmp();
    const answers = ["123456", "123457"];
    const c = io();
    const cmd = staffPinCommand({ isTty: true, readPin: () => Promise.resolve(answers.shift() ?? null) });
    expect(await cmd.run(["set", "--state-dir", dir], c.io)).toBe(2);
    expect(openStaffPinFile(dir).problem).toBe("missing");
    for (const bad of ["123", "123456789", "12a4"]) {
      expect(await staffPinCommand({ isTty: false, readPin: () => Promise.resolve(bad) }).run(["set", "--state-dir", dir], io().io)).toBe(2);
    }
    expect(openStaffPinFile(dir).problem).toBe("missing");
  });
});
