/**
 * Import rules that keep the architecture visible (see README "How the pieces talk").
 * Run: npm run deps. Part of the test command line.
 */
const ADAPTERS =
  "^src/(card/pcsc\\.ts|card/sim/|camera/(rpicam|v4l2|sim)\\.ts|face/(human|sim)\\.ts|leds/(onoff|sim)\\.ts)";
const PURE =
  "^(src/(protocol\\.ts|card/(apdu|tlv|errors|secret)\\.ts|card/mynumber/(card-face|code-b)\\.ts|age/|face/compare\\.ts|flow/(machine|budgets|outcome)\\.ts|cardfront/(fields|plausibility)\\.ts)|ui/)";

module.exports = {
  forbidden: [
    {
      name: "adapters-only-from-composition-root",
      severity: "error",
      comment:
        "Device adapters and simulators are chosen once, in src/main.ts. Nothing else in src/ may import them (tests and scripts may).",
      from: { path: "^src/", pathNot: "^src/(main\\.ts|card/sim/)" },
      to: { path: ADAPTERS },
    },
    {
      name: "pure-modules-import-no-node",
      severity: "error",
      comment: "Pure modules (bytes, parsers, calendar rules, decisions, the UI) import no node: module.",
      from: { path: PURE },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "flow-does-not-know-server-or-root",
      severity: "error",
      comment: "The session flow talks to ports and pure domain modules only.",
      from: { path: "^src/flow/" },
      to: { path: "^src/(server/|main\\.ts|bin/|cli/)" },
    },
    {
      name: "ui-imports-only-protocol-types",
      severity: "error",
      comment: "The UI shares only the protocol's types with the daemon (import type).",
      from: { path: "^ui/" },
      to: { path: "^src/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "ui-imports-only-protocol",
      severity: "error",
      from: { path: "^ui/" },
      to: { path: "^src/(?!protocol\\.ts$)" },
    },
    {
      name: "src-does-not-import-tests-or-scripts",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|scripts)/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
