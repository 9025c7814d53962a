import * as z from 'zod';
import { webUrlSchema } from '#src/shared/field-schemas.ts';

/** The `lake` section: where the lake lives (a local folder or an S3 bucket). Owned by the object stores. */
export const lakeConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('local'), root: z.string().min(1).default('var/lake') }),
  z.strictObject({
    kind: z.literal('s3'),
    bucket: z.string().min(3),
    prefix: z.string().default(''),
    region: z.string().optional(),
    /** S3-compatible endpoint (tests, MinIO); absent = AWS. */
    endpoint: webUrlSchema.optional(),
    forcePathStyle: z.boolean().default(false),
  }),
]);

export type LakeConfig = z.infer<typeof lakeConfigSchema>;
