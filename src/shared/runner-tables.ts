/**
 * The tables the model runner keeps in the engine for its own bookkeeping: named here, in a leaf,
 * so the access policy (below the runner) can list them as operational tables and the runner
 * (which creates them) is held to the same names by its types.
 */
export const RUN_METADATA_TABLES = [
  'warehouse_runs',
  'landing_watermarks',
  'run_relation_fingerprints',
] as const;
export type RunMetadataTableName = (typeof RUN_METADATA_TABLES)[number];

/** What each run's transform changed, per model and partition (read by the incremental publish). */
export const MODEL_CHANGES_TABLE = 'run_model_changes';

/** Every table the runner keeps: the access policy's operational tables. */
export const RUNNER_TABLES: readonly string[] = [...RUN_METADATA_TABLES, MODEL_CHANGES_TABLE];
