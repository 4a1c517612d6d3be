/**
 * Shared set-up for the update tests: a test CA (image-build/rauc/make-ca.sh, thrown away after the
 * run), bundles from image-build/rauc/make-bundle.sh, kioskctl built from src/ with esbuild, and a stand-in
 * for the daemon's GET /healthz on 127.0.0.1 whose readiness the test switches.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { makeTestCa, REPO, run } from "./run";

export interface UpdateFixtures {
  dir: string;
  caDir: string;
  kioskctl: string;
  bundle(
    version: string,
    opts?: { format?: "plain" | "verity"; caDir?: string; fill?: number; compatible?: string },
  ): Promise<string>;
  dispose(): Promise<void>;
}

export async function updateFixtures(): Promise<UpdateFixtures> {
  const dir = await mkdtemp(path.join(tmpdir(), "mynaguard-update-"));
  const caDir = path.join(dir, "ca");
  await makeTestCa(caDir);
  // Inside the repository so that the bundle's external imports resolve from node_modules/.
  const cache = path.join(REPO, "node_modules/.cache");
  await mkdir(cache, { recursive: true });
  const buildDir = await mkdtemp(path.join(cache, "mynaguard-kioskctl-"));
  const kioskctl = path.join(buildDir, "kioskctl.mjs");
  await build({
    entryPoints: [path.join(REPO, "src/bin/kioskctl.ts")],
    outfile: kioskctl,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    define: { __MYNAGUARD_VERSION__: JSON.stringify("test") },
    logLevel: "error",
  });
  let n = 0;
  return {
    dir,
    caDir,
    kioskctl,
    async bundle(version, opts = {}) {
      const ca = opts.caDir ?? caDir;
      const rootfs = path.join(dir, `rootfs-${version}.img`);
      // A stand-in root filesystem: its first block says which version it is, the rest is random so that
      // squashfs cannot compress it below the size a verity bundle needs.
      const head = Buffer.alloc(4096, opts.fill ?? version.charCodeAt(0));
      await writeFile(rootfs, Buffer.concat([head, randomBytes(124 * 1024)]));
      const out = path.join(dir, `update-${version}-${n++}.raucb`);
      const r = await run(path.join(REPO, "image-build/rauc/make-bundle.sh"), [
        "--rootfs", rootfs,
        "--version", version,
        "--cert", path.join(ca, "signing.cert.pem"),
        "--key", path.join(ca, "signing.key.pem"),
        "--keyring", path.join(ca, "ca.cert.pem"),
        "--format", opts.format ?? "plain",
        "--compatible", opts.compatible ?? "mynaguard-rpi-arm64",
        out,
      ]);
      if (r.code !== 0) throw new Error(`make-bundle.sh failed:\n${r.stdout}${r.stderr}`);
      return out;
    },
    async dispose() {
      await rm(dir, { recursive: true, force: true });
      await rm(buildDir, { recursive: true, force: true });
    },
  };
}

/** Flips one byte of a file at `offset` (negative: from the end). */
export async function tamper(file: string, offset: number, out: string): Promise<string> {
  const bytes = await readFile(file);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(out, bytes);
  return out;
}

/** Size of the CMS signature at the end of a RAUC bundle (last 8 bytes, big-endian). */
export async function signatureSize(file: string): Promise<number> {
  const bytes = await readFile(file);
  return Number(bytes.readBigUInt64BE(bytes.length - 8));
}

/** A fake daemon: GET /healthz answers like the real one, `ready` switched by the test. */
export class FakeDaemon {
  ready = true;
  private server: Server | undefined;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url !== "/healthz") {
        res.writeHead(404).end();
        return;
      }
      const body = {
        mode: "production",
        version: "test",
        devices: { reader: "ok", camera: "ok", leds: this.ready ? "ok" : "error" },
        ready: this.ready,
      };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The kioskctl built for the test, as a program the shell scripts can call. */
export async function kioskctlWrapper(f: UpdateFixtures): Promise<string> {
  const wrapper = path.join(f.dir, "kioskctl");
  await writeFile(wrapper, `#!/bin/sh\nexec node '${f.kioskctl}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}
