/**
 * Import rules that keep the architecture visible (see README "How the pieces talk").
 * Run: npm run deps. Part of the test command line. test/unit/deps/rules.test.ts plants violations
 * in a scratch tree and checks that these rules fire on them.
 */
const ADAPTERS =
  "^src/(card/pcsc\\.ts|card/sim/|camera/(rpicam|v4l2|sim)\\.ts|face/(human|sim)\\.ts|leds/(onoff|sim)\\.ts)";
const PURE =
  "^(src/(protocol\\.ts|card/(apdu|tlv|errors|secret)\\.ts|card/mynumber/(card-face|code-b)\\.ts|age/|face/compare\\.ts|flow/(machine|budgets|outcome)\\.ts|cardfront/(fields|plausibility)\\.ts|mrz/(check|repair|validate|find|segment|classify)\\.ts)|ui/)";

/**
 * The layers of src/, top to bottom. A module may import its own layer (no cycles) or any layer below,
 * never one above. Every file under src/ belongs to exactly one layer (the last rule checks that).
 */
const LAYERS = [
  { name: "bin", path: "^src/bin/", comment: "entry points: the daemon and kioskctl executables" },
  { name: "entry", path: "^src/(main\\.ts|cli/)", comment: "the composition root and the kioskctl commands" },
  { name: "wiring", path: "^src/(devices\\.ts|compose/|server/)", comment: "device factories, glue from flow ports to the domain, the server" },
  { name: "flow", path: "^src/flow/", comment: "the session: state machine, runner, ports" },
  {
    name: "domain",
    path: "^src/(card|cardfront|face|camera|leds|audit|age|documents|image|mrz|till|metrics)/|^src/systemd\\.ts$",
    comment: "documents, devices' ports and adapters, pure domain rules, audit sink",
  },
  { name: "base", path: "^src/(protocol|log|config|lifecycle)\\.ts$|^src/globals\\.d\\.ts$", comment: "shared types, logger, config schema, lifecycle helpers" },
];

const layerRules = LAYERS.slice(1).map((layer, i) => ({
  name: `no-upward-import-from-${layer.name}`,
  severity: "error",
  comment: `${layer.name} (${layer.comment}) may not import a higher layer: ${LAYERS.slice(0, i + 1)
    .map((l) => l.name)
    .join(", ")}.`,
  from: { path: layer.path },
  to: { path: LAYERS.slice(0, i + 1).map((l) => l.path) },
}));

module.exports = {

  forbidden: [
    ...layerRules,
    {
      name: "every-src-file-has-a-layer",
      severity: "error",
      comment: "A new folder or top-level file under src/ must be placed in a layer in .dependency-cruiser.cjs.",
      from: { path: "^src/", pathNot: LAYERS.map((l) => l.path) },
      to: {},
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles at all, type-only imports included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "adapters-only-from-device-factories",
      severity: "error",
      comment:
        "Device adapters and simulators are chosen in src/devices.ts (used by src/main.ts and kioskctl). Nothing else in src/ may import them (tests and scripts may).",
      from: { path: "^src/", pathNot: "^src/(devices\\.ts|card/sim/)" },
      to: { path: ADAPTERS },
    },
    {
      name: "cli-does-not-import-the-composition-root",
      severity: "error",
      comment: "kioskctl commands reach devices through src/devices.ts, never through src/main.ts.",
      from: { path: "^src/cli/" },
      to: { path: "^src/main\\.ts$" },
    },
    {
      name: "pure-modules-import-no-node",
      severity: "error",
      comment: "Pure modules (bytes, parsers, calendar rules, decisions, the UI) import no node: module.",
      from: { path: PURE },
      to: { dependencyTypes: ["core"] },
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
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
