import * as z from 'zod';

/** The sentiment section of the configuration: which analyser scores customer messages. */
export const sentimentConfigSchema = z.strictObject({
  analyser: z.enum(['local', 'comprehend']).default('local'),
  /** Comprehend region; absent = the SDK default chain. */
  region: z.string().optional(),
  /** Texts longer than this are cut before analysis (Comprehend accepts 5 KB per document). */
  maxChars: z.number().int().positive().default(4500),
});
export type SentimentConfig = z.infer<typeof sentimentConfigSchema>;
