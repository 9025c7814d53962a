import * as z from 'zod';
import { hubspotConfigSchema } from '#src/connectors/hubspot/hubspot-config.ts';
import { zendeskConfigSchema } from '#src/connectors/zendesk/zendesk-config.ts';

/**
 * The `sources` section: one entry per source. The two bundled connectors' sections are typed here;
 * a section for any other source (a new `src/connectors/<source>/` folder) is checked by that
 * connector's own schema when it opens, which is still before anything is read or written.
 */
export const sourcesConfigSchema = z
  .object({
    zendesk: zendeskConfigSchema.optional(),
    hubspot: hubspotConfigSchema.optional(),
  })
  .catchall(z.record(z.string(), z.unknown()).optional());

export type SourcesConfig = z.infer<typeof sourcesConfigSchema>;

/** The section when none is configured: both bundled sources with their defaults. */
export const defaultSourcesConfig = (): SourcesConfig => ({
  zendesk: zendeskConfigSchema.parse({}),
  hubspot: hubspotConfigSchema.parse({}),
});
