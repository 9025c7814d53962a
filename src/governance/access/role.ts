import * as z from 'zod';

/**
 * Who is asking. `analyst` reads KPI marts and the non-personal columns of facts; `compliance` reads
 * everything retained and may export; `engineer` operates the pipeline and reads operational
 * metadata and non-personal curated data; `pipeline` is the pipeline's own identity (writes and
 * reads every layer, never answers ad-hoc queries for a person).
 */
export const roleSchema = z.enum(['analyst', 'compliance', 'engineer', 'pipeline']);
export type Role = z.infer<typeof roleSchema>;
export const roles: readonly Role[] = roleSchema.options;
