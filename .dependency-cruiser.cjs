/**
 * The layer rules of the warehouse, checked by dependency-cruiser (`npm run depcruise`, in CI).
 * docs/ARCHITECTURE-LAYERS.md explains them; this file is the one place they are written down.
 *
 * `src/` is ordered bottom to top: a module may import its own layer or any layer below it,
 * never one above. Each layer is one folder (or a named part of one), so no two folders of
 * `src/` can import each other: arrows point down, and a cycle between folders is impossible.
 * Modules of one folder may still import each other; `no-circular` forbids cycles among them.
 */

/** Bottom first. `name` is for messages; `path` is a regular expression over the module's path. */
const LAYERS = [
  { name: 'shared', path: '^src/shared/' },
  { name: 'landing', path: '^src/landing/' },
  { name: 'privacy', path: '^src/privacy/' },
  { name: 'stores', path: '^src/stores/' },
  { name: 'engines', path: '^src/engines/' },
  { name: 'access policy', path: '^src/governance/access/' },
  { name: 'connectors', path: '^src/connectors/' },
  { name: 'extract', path: '^src/extract/' },
  { name: 'kpi', path: '^src/kpi/' },
  { name: 'enrichment', path: '^src/enrichment/' },
  { name: 'models', path: '^src/models/' },
  { name: 'dashboard', path: '^src/dashboard/' },
  { name: 'publish', path: '^src/publish/' },
  { name: 'governance', path: '^src/governance/(?!access/)' },
  { name: 'config (composition)', path: '^src/config/' },
  { name: 'pipeline', path: '^src/pipeline/' },
  { name: 'cli', path: '^src/cli/' },
];

const above = (index) =>
  LAYERS.slice(index + 1)
    .map((layer) => `(?:${layer.path})`)
    .join('|');

const upwardImportRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `no-upward-import-from-${layer.name.replace(/\W+/g, '-')}`,
  comment: `${layer.name} may import only its own layer and those below it (see LAYERS in .dependency-cruiser.cjs)`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: above(index) },
}));

/** A module of src/ not placed in any layer would escape the rules: refuse it. */
const everyLayer = LAYERS.map((layer) => `(?:${layer.path})`).join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle, at any distance (type-only imports count: they couple the modules too).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardImportRules,
    {
      name: 'src-modules-have-a-layer',
      comment: 'Every folder of src/ has its place in LAYERS (.dependency-cruiser.cjs); add a new one there.',
      severity: 'error',
      from: { path: '^src/', pathNot: everyLayer },
      to: {},
    },
    {
      name: 'src-modules-used-have-a-layer',
      comment: 'Every folder of src/ has its place in LAYERS (.dependency-cruiser.cjs); add a new one there.',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: everyLayer },
    },
    {
      name: 'drivers-never-import-engines',
      comment:
        "An engine's Kysely parts (driver, dialect, adapter, query compiler) depend on what they need, declared " +
        'beside them (DuckDbSessions, AthenaStatementRunner); the engine hands itself in. They never import it.',
      severity: 'error',
      from: { path: '^src/engines/[^/]+/[^/]+-(driver|dialect|adapter|query-compiler)\\.ts$' },
      to: { path: '^src/engines/[^/]+/[^/]+-engine\\.ts$' },
    },
    {
      name: 'engine-interface-knows-no-engine',
      comment:
        'The engine contract (src/engines/*.ts) is what every caller sees; only the factory ' +
        '(create-query-engine.ts) names the implementations.',
      severity: 'error',
      from: { path: '^src/engines/[^/]+\\.ts$', pathNot: '^src/engines/create-query-engine\\.ts$' },
      to: { path: '^src/engines/[^/]+/' },
    },
    {
      name: 'src-never-imports-tools-or-tests',
      comment: 'Production code never imports tests, benches, the rehearsal, Lambda handlers or the CDK app.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tests|bench|rehearsal|functions|infra)/' },
    },
    {
      name: 'src-starts-the-simulator-only-from-the-composition-root',
      comment:
        'The simulator (simulator/, a test double and demo source) is reached from src/ in three places only: ' +
        'the CLI (`warehouse simulate`), the embedded start for `npm start` (src/pipeline/embedded-simulator.ts, ' +
        'a dynamic import, so no Lambda bundle holds it) and the composed configuration (its `simulator` section).',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: '^src/(cli/|pipeline/embedded-simulator\\.ts$|config/warehouse-config\\.ts$)',
      },
      to: { path: '^simulator/' },
    },
    {
      name: 'composed-config-only-at-the-top',
      comment:
        'Below the composition layer a module takes the config sections it reads, never the composed config.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(config|pipeline|cli)/' },
      to: { path: '^src/config/' },
    },
    {
      name: 'simulator-stands-alone',
      comment:
        'The simulator plays the vendors: it shares nothing with the warehouse that could hide a contract drift.',
      severity: 'error',
      from: { path: '^simulator/' },
      to: { path: '^(src|functions|infra)/' },
    },
    {
      name: 'functions-never-import-the-cli',
      comment: 'Lambda handlers call the same core functions the CLI calls, not the CLI.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(src/cli|simulator|tests|bench|rehearsal)/' },
    },
    {
      name: 'infra-never-imports-tools-or-tests',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(src/cli|simulator|tests|bench|rehearsal)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type that points up couples the layers as much as a value does.
    tsPreCompilationDeps: true,
    // TypeScript 7 (the native compiler) has no JavaScript API dependency-cruiser could parse with.
    parser: 'swc',
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
