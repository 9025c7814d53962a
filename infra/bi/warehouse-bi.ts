import { Stack } from 'aws-cdk-lib';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as quicksight from 'aws-cdk-lib/aws-quicksight';
import { Construct } from 'constructs';
import { classesOf } from '#infra/access/lake-formation-grants.ts';
import { classTag } from '#infra/access/warehouse-access.ts';
import type { WarehouseBiProps } from './warehouse-bi-props.ts';

type QuickSightType = 'STRING' | 'INTEGER' | 'DECIMAL' | 'DATETIME';

/** Columns of the published marts QuickSight reads, as the KPI contract names them. */
export const biDatasets: Record<string, { description: string; columns: Record<string, QuickSightType> }> = {
  kpi_scorecard: {
    description: 'KPI scorecard: target, actual, change and status per KPI and period',
    columns: {
      kpi: 'STRING',
      period_grain: 'STRING',
      period_start: 'DATETIME',
      target: 'DECIMAL',
      actual: 'DECIMAL',
      previous_actual: 'DECIMAL',
      change: 'DECIMAL',
      direction: 'STRING',
      owner: 'STRING',
      frequency: 'STRING',
      source: 'STRING',
      status: 'STRING',
      attainment: 'DECIMAL',
      weight: 'DECIMAL',
      kpi_version: 'STRING',
    },
  },
  kpi_values: {
    description: 'Every KPI value by period and breakdown (long form)',
    columns: {
      period_grain: 'STRING',
      period_start: 'DATETIME',
      breakdown: 'STRING',
      breakdown_value: 'STRING',
      kpi: 'STRING',
      value: 'DECIMAL',
      numerator: 'DECIMAL',
      denominator: 'DECIMAL',
      kpi_version: 'STRING',
    },
  },
};

const dataSourceReadActions = [
  'quicksight:DescribeDataSource',
  'quicksight:DescribeDataSourcePermissions',
  'quicksight:PassDataSource',
];
const dataSetReadActions = [
  'quicksight:DescribeDataSet',
  'quicksight:DescribeDataSetPermissions',
  'quicksight:PassDataSet',
  'quicksight:DescribeIngestion',
  'quicksight:ListIngestions',
];

/**
 * QuickSight over Athena: one data source through the analyst workgroup and a direct-query dataset
 * per published mart, shared read-only with the analyst and compliance principals, which Lake
 * Formation grants SELECT on the analyst's table classes (by tag).
 */
export class WarehouseBi extends Construct {
  readonly dataSource: quicksight.CfnDataSource;
  readonly dataSets: quicksight.CfnDataSet[] = [];

  constructor(scope: Construct, id: string, props: WarehouseBiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const principals = [...(props.analystPrincipals ?? []), ...(props.compliancePrincipals ?? [])];

    this.dataSource = new quicksight.CfnDataSource(this, 'Athena', {
      awsAccountId: stack.account,
      dataSourceId: `${props.name}-athena`,
      name: `${props.name} (Athena)`,
      type: 'ATHENA',
      dataSourceParameters: { athenaParameters: { workGroup: props.workgroupName } },
      sslProperties: { disableSsl: false },
      permissions: principals.map((principal) => ({ principal, actions: dataSourceReadActions })),
    });

    for (const [table, dataset] of Object.entries(biDatasets)) {
      const set = new quicksight.CfnDataSet(this, `DataSet-${table}`, {
        awsAccountId: stack.account,
        dataSetId: `${props.name}-${table.replace(/_/g, '-')}`,
        name: `${props.name} ${table}`,
        importMode: 'DIRECT_QUERY',
        physicalTableMap: {
          [table]: {
            relationalTable: {
              dataSourceArn: this.dataSource.attrArn,
              catalog: 'AwsDataCatalog',
              schema: props.databaseName,
              name: table,
              inputColumns: Object.entries(dataset.columns).map(([name, type]) => ({ name, type })),
            },
          },
        },
        permissions: principals.map((principal) => ({ principal, actions: dataSetReadActions })),
      });
      this.dataSets.push(set);
    }

    principals.forEach((principal, i) => {
      new lakeformation.CfnPrincipalPermissions(this, `ModelsGrant${i}`, {
        principal: { dataLakePrincipalIdentifier: principal },
        permissions: ['SELECT', 'DESCRIBE'],
        permissionsWithGrantOption: [],
        resource: {
          lfTagPolicy: {
            catalogId: stack.account,
            resourceType: 'TABLE',
            expression: [{ tagKey: classTag.key, tagValues: [...classesOf('analyst')] }],
          },
        },
      });
    });
  }
}
