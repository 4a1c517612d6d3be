import { defineConfig } from "vitest/config";

// Three projects, all run by `npm test`:
//  unit        pure modules, simulators in-process, scenario tests on a fake clock
//  integration the real pcscd + vsmartcard-vpcd + pcsclite stack, OpenSC, sqlite files, child processes
//  browser     the built daemon in demo mode driven through Debian's Chromium (playwright-core)
export default defineConfig({
  define: { __MYNAGUARD_VERSION__: JSON.stringify("test") },
  test: {
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/flow/**/*.test.ts", "test/contract/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["test/ui/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
