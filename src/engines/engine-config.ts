import * as z from 'zod';
import { memoryLimitSchema } from '#src/shared/field-schemas.ts';

/** The `engine` section: which query engine runs the models and how. Owned by the engines. */
export const engineConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('duckdb'),
    /** Database file; ':memory:' for a throw-away run. */
    database: z.string().min(1).default('var/warehouse.duckdb'),
    memoryLimit: memoryLimitSchema.default('4GB'),
    threads: z.number().int().positive().max(1024).default(2),
    /** Where DuckDB spills what does not fit in `memoryLimit`; default: `<database>.tmp`. */
    tempDirectory: z.string().min(1).optional(),
    /** The most DuckDB may spill (e.g. `50GB`); default: DuckDB's, 90 % of the free disk. */
    maxTempDirectorySize: memoryLimitSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal('athena'),
    workgroup: z.string().min(1),
    database: z.string().min(1),
    catalog: z.string().default('AwsDataCatalog'),
    region: z.string().optional(),
    /** Athena API endpoint override, e.g. the local Athena (`warehouse athena-local`); default: AWS. */
    endpoint: z.url().optional(),
    /** First delay between polls of a running query (× 1.5 each poll up to maxPollMs; default 100 ms → 1 s); tests on the local Athena lower it. */
    initialPollMs: z.number().int().positive().optional(),
    maxPollMs: z.number().int().positive().optional(),
    /** Where curated Iceberg tables live: s3://bucket/prefix/ */
    curatedLocation: z.string().startsWith('s3://'),
    /**
     * `vacuum_max_snapshot_age_seconds` of every Iceberg table the warehouse creates: how long old
     * snapshots (time travel) keep their data files. Rows retention deletes are gone from every data
     * file once maintenance (OPTIMIZE + VACUUM) runs after this age; see docs/DECISIONS.md.
     */
    snapshotMaxAgeSeconds: z.number().int().min(3600).max(432_000).default(86_400),
  }),
]);

export type EngineConfig = z.infer<typeof engineConfigSchema>;
