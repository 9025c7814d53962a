import { describe, expect, it } from 'vitest';
import { describeKpi, kpiCatalogue, kpiEntry, kpiNames } from '#src/kpi/catalogue/kpi-catalogue.ts';

describe('the KPI catalogue', () => {
  it('describes each KPI by its published name with label, formula, unit and better direction', () => {
    // Act
    const description = describeKpi('fcr_rate');

    // Assess
    expect(description).toBe(
      `FCR rate: ${kpiCatalogue.fcr_rate.formula} (a fraction from 0 to 1; higher is better)`,
    );
    expect(describeKpi('ticket_volume')).toBe('Ticket volume: tickets created (a count)');
  });

  it('has a non-empty description for every KPI and none for a name that is not one', () => {
    expect(kpiNames.filter((name) => !describeKpi(name)?.trim())).toEqual([]);
    expect(describeKpi('ticket_id')).toBeUndefined();
    expect(kpiEntry('toString')).toBeUndefined();
  });
});
