import * as z from 'zod';
import {
  breakdowns,
  frequencies,
  type KpiCatalogueEntry,
  kpiCatalogue,
  kpiDirections,
  kpiNames,
  kpiUnits,
} from './catalogue/kpi-catalogue.ts';

export type { Breakdown, Frequency, KpiUnit } from './catalogue/kpi-catalogue.ts';
export { kpiNames };

export const breakdownSchema = z.enum(breakdowns);
export const frequencySchema = z.enum(frequencies);
export const kpiUnitSchema = z.enum(kpiUnits);

export const kpiTargetSchema = z.strictObject({
  breakdown: breakdownSchema.default('overall'),
  /** The breakdown cell the target applies to; `all` for the overall row. */
  value: z.string().default('all'),
  target: z.number(),
});
export type KpiTarget = z.infer<typeof kpiTargetSchema>;

/** A KPI as the run uses it: the catalogue's facts with the configuration's overrides applied. */
export const kpiDefinitionSchema = z.strictObject({
  /** The formula, as published in KPIS.md; the SQL of `kpi_values` implements it. */
  formula: z.string().min(1),
  direction: z.enum(kpiDirections),
  unit: kpiUnitSchema,
  targets: z.array(kpiTargetSchema).default([]),
  owner: z.string(),
  frequency: frequencySchema,
  source: z.string(),
  /** Weight in the service quality index (0 = not part of it). */
  weight: z.number().min(0).default(1),
});
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

type Def = z.input<typeof kpiDefinitionSchema>;

function definitionOf(entry: KpiCatalogueEntry): Def {
  const { label: _label, grains: _grains, targets, ...facts } = entry;
  return { ...facts, ...(targets ? { targets: targets.map((target) => ({ ...target })) } : {}) };
}

/** The catalogue's defaults in the shape the configuration overrides (no label or grains). */
export const defaultKpiCatalogue: Record<string, Def> = Object.fromEntries(
  Object.entries(kpiCatalogue).map(([name, entry]) => [name, definitionOf(entry)]),
);

/**
 * What a configuration may change of a KPI: everything but its unit, which is a fact of the SQL
 * that computes it (and of every formatter and view that shows it). The unit may be restated as
 * the catalogue's, so a parsed configuration parses again to itself (the deployment carries it).
 */
const kpiOverrideSchema = kpiDefinitionSchema.partial();

/**
 * The catalogue in configuration: any KPI may be overridden field by field (e.g. only its targets);
 * KPIs not mentioned keep the spec's defaults. A name outside the catalogue is an error, because
 * the SQL would not compute it.
 */
export const kpiCatalogueSchema = z
  .record(z.string(), kpiOverrideSchema)
  .default({})
  .transform((overrides, ctx) => {
    const catalogue: Record<string, KpiDefinition> = {};
    for (const [name, override] of Object.entries(overrides)) {
      const fixed = defaultKpiCatalogue[name]?.unit;
      if (fixed !== undefined && override.unit !== undefined && override.unit !== fixed) {
        ctx.addIssue({
          code: 'custom',
          path: [name, 'unit'],
          message: `the unit of ${name} is ${fixed}, fixed by the SQL that computes it; it cannot be overridden`,
        });
      }
    }
    for (const name of kpiNames) {
      const merged = { ...defaultKpiCatalogue[name], ...(overrides[name] ?? {}) };
      catalogue[name] = kpiDefinitionSchema.parse(merged);
    }
    for (const name of Object.keys(overrides)) {
      if (!(name in defaultKpiCatalogue)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `unknown KPI "${name}"; the models compute: ${kpiNames.join(', ')}`,
        });
      }
    }
    return catalogue;
  });
export type KpiCatalogue = z.output<typeof kpiCatalogueSchema>;

export const kpisConfigSchema = z.strictObject({
  catalogue: kpiCatalogueSchema,
});
export type KpisConfig = z.infer<typeof kpisConfigSchema>;
