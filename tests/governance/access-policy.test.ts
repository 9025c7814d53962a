import { describe, expect, it } from 'vitest';
import { classifyTable, renderAccessPolicy } from '#src/governance/access/access-policy.ts';

describe('the access policy rendered for the AWS deployment', () => {
  const policy = renderAccessPolicy();
  const grants = (role: string) => policy.roles.find((r) => r.role === role)!;
  const tableOf = (role: string, table: string) => grants(role).tables.find((t) => t.table === table);

  it('gives each role its own Athena workgroup', () => {
    expect(policy.roles.map((r) => [r.role, r.workgroup])).toEqual([
      ['analyst', 'warehouse-analyst'],
      ['engineer', 'warehouse-engineer'],
      ['compliance', 'warehouse-compliance'],
      ['pipeline', 'warehouse-pipeline'],
    ]);
    const deployed = renderAccessPolicy(undefined, { workgroupPrefix: 'support-kpi' });
    expect(deployed.roles.find((r) => r.role === 'analyst')?.workgroup).toBe('support-kpi-analyst');
  });

  it('grants the analyst the KPI marts and facts but no landing stream and no restricted table', () => {
    expect(tableOf('analyst', 'kpi_values')).toMatchObject({ class: 'kpi_mart', excludedColumns: [] });
    expect(tableOf('analyst', 'fct_tickets')).toMatchObject({ class: 'fact' });
    expect(grants('analyst').deniedTables).toEqual(
      expect.arrayContaining([
        'landing_zendesk__user_pii',
        'landing_zendesk__comment_texts',
        'landing_zendesk__tickets',
      ]),
    );
  });

  it('grants the engineer non-restricted landing streams but never personal data or message text', () => {
    expect(tableOf('engineer', 'landing_zendesk__tickets')).toMatchObject({
      class: 'landing',
      excludedColumns: [],
    });
    expect(grants('engineer').deniedTables).toEqual(
      expect.arrayContaining([
        'landing_zendesk__user_pii',
        'landing_hubspot__contact_pii',
        'landing_zendesk__ticket_texts',
      ]),
    );
    expect(grants('engineer').mayExport).toBe(false);
  });

  it('grants compliance every table with nothing excluded, and the export right', () => {
    expect(grants('compliance').deniedTables).toEqual([]);
    expect(grants('compliance').tables.every((t) => t.excludedColumns.length === 0)).toBe(true);
    expect(grants('compliance').mayExport).toBe(true);
  });

  it('excludes personal columns by name when a curated table is given with its columns', () => {
    const rendered = renderAccessPolicy({
      fct_callbacks: ['ticket_id', 'customer_key', 'phone', 'default_group_name'],
    });

    expect(rendered.roles.find((r) => r.role === 'analyst')!.tables).toEqual([
      { table: 'fct_callbacks', class: 'fact', excludedColumns: ['phone'] },
    ]);
  });
});

describe('table classification', () => {
  it.each([
    ['stg_zendesk__user_pii', 'restricted'],
    ['stg_zendesk__comment_texts', 'restricted'],
    ['stg_zendesk__satisfaction_comments', 'restricted'],
    ['landing_zendesk__comments', 'landing'],
    ['landing_zendesk__comments__new', 'landing'],
    ['stg_zendesk__tickets', 'model'],
    ['int_comment_sentiment', 'model'],
    ['contact_reasons', 'kpi_mart'],
    ['dim_agents', 'fact'],
    ['cfg_sla_policies', 'seed'],
    ['warehouse_runs', 'operational'],
    ['run_model_changes', 'operational'],
    ['landing_watermarks', 'operational'],
    ['something_new', 'unclassified'],
  ])('%s is %s', (table, cls) => {
    expect(classifyTable(table).class).toBe(cls);
  });
});
