/**
 * The KPI-side sections of the configuration, one module each (this file only gathers them for
 * the modules that import them from here):
 * - `desk-config.ts`: how the desk is organised (tiers, bots, categories, reporting zone);
 * - `sla-config.ts`: business-hours schedules and SLA policy rules;
 * - `kpis-config.ts`: the configurable part of the KPI catalogue (targets, owners, weights …),
 *   over the catalogue itself in `catalogue/kpi-catalogue.ts`;
 * - `alerts-config.ts`, `sentiment-config.ts`: the SLA alert and the sentiment stage.
 */
export * from './alerts-config.ts';
export * from './desk-config.ts';
export * from './kpis-config.ts';
export * from './sentiment-config.ts';
export * from './sla-config.ts';
