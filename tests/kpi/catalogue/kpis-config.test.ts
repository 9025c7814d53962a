import { describe, expect, it } from 'vitest';
import { kpiCatalogue } from '#src/kpi/catalogue/kpi-catalogue.ts';
import { kpisConfigSchema } from '#src/kpi/kpis-config.ts';

describe('the KPI catalogue in configuration', () => {
  it('holds every catalogue KPI with its declared facts when nothing is overridden', () => {
    // Act
    const { catalogue } = kpisConfigSchema.parse({});

    // Assess
    expect(Object.keys(catalogue)).toEqual(Object.keys(kpiCatalogue));
    expect(catalogue.fcr_rate).toMatchObject({
      formula: kpiCatalogue.fcr_rate.formula,
      unit: 'rate',
      direction: 'higher',
      targets: [{ breakdown: 'overall', value: 'all', target: 0.78 }],
      weight: 1,
    });
  });

  it('changes only the overridden fields of a KPI', () => {
    // Act
    const { catalogue } = kpisConfigSchema.parse({
      catalogue: { aht_s: { targets: [{ target: 300 }], owner: 'workforce lead' } },
    });

    // Assess
    expect(catalogue.aht_s).toMatchObject({
      unit: 'seconds',
      owner: 'workforce lead',
      frequency: kpiCatalogue.aht_s.frequency,
      targets: [{ breakdown: 'overall', value: 'all', target: 300 }],
    });
  });

  it("refuses to change a KPI's unit, naming the field, because the SQL fixes it", () => {
    // Act
    const result = kpisConfigSchema.safeParse({ catalogue: { aht_s: { unit: 'count' } } });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['catalogue', 'aht_s', 'unit'] });
    expect(result.error?.issues[0]?.message).toContain('the unit of aht_s is seconds');
  });

  it('parses a parsed catalogue again to itself (a restated unit is accepted)', () => {
    // Prepare
    const parsed = kpisConfigSchema.parse({ catalogue: { fcr_rate: { weight: 2 } } });

    // Act
    const again = kpisConfigSchema.parse(JSON.parse(JSON.stringify(parsed)));

    // Assess
    expect(again).toEqual(parsed);
  });

  it('refuses a KPI the models do not compute', () => {
    // Act
    const result = kpisConfigSchema.safeParse({ catalogue: { happiness: { weight: 2 } } });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('unknown KPI "happiness"');
  });
});
