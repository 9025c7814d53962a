import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { landingGlueTable } from '#src/engines/landing-sources.ts';
import { workgroupName } from '#src/governance/access/access-policy.ts';
import { type LandingStream, landingPrefix, landingStreams } from '#src/landing/landing-schemas.ts';
import { type WarehouseCatalogProps, type WorkgroupRole, workgroupRoles } from './warehouse-catalog-props.ts';

/** Saved queries over the published marts, offered to analysts in their workgroup. */
const analystQueries: Record<string, { description: string; sql: (db: string) => string }> = {
  'latest-scorecard': {
    description: 'KPI scorecard of the latest complete month, with target, actual and status',
    sql: (db) =>
      `SELECT kpi, period_start, target, actual, previous_actual, change, status, attainment, owner\n` +
      `FROM "${db}"."kpi_scorecard"\nWHERE period_grain = 'month'\n` +
      `  AND period_start = (SELECT max(period_start) FROM "${db}"."kpi_scorecard" WHERE period_grain = 'month')\nORDER BY kpi`,
  },
  'kpi-daily-trend': {
    description: 'Every KPI per day over the last 90 days, overall',
    sql: (db) =>
      `SELECT period_start, kpi, value, numerator, denominator\nFROM "${db}"."kpi_values"\n` +
      `WHERE period_grain = 'day' AND breakdown = 'overall'\n  AND period_start >= current_date - INTERVAL '90' DAY\n` +
      'ORDER BY kpi, period_start',
  },
  'kpi-by-channel-this-month': {
    description: 'Monthly KPIs broken down by channel',
    sql: (db) =>
      `SELECT breakdown_value AS channel, kpi, value\nFROM "${db}"."kpi_values"\n` +
      `WHERE period_grain = 'month' AND breakdown = 'channel'\n  AND period_start = date_trunc('month', current_date)\nORDER BY kpi, channel`,
  },
  'service-quality-index': {
    description: 'Service quality index over time',
    sql: (db) => `SELECT *\nFROM "${db}"."service_quality_index"\nORDER BY 1 DESC\nLIMIT 100`,
  },
};

/**
 * The Glue catalog and the Athena workgroups. Landing tables are rendered from the same declaration
 * the local engine's views come from (`src/landing/landing-schemas.ts`): JSON lines read by the
 * OpenX JSON SerDe, partitioned by extract date `dt` with partition projection, so no crawler and
 * no `MSCK REPAIR` is ever needed. The model runner creates the curated Iceberg tables itself.
 */
export class WarehouseCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly databaseName: string;
  readonly landingTables: ReadonlyMap<LandingStream, glue.CfnTable>;
  readonly workgroups: Readonly<Record<WorkgroupRole, athena.CfnWorkGroup>>;

  constructor(scope: Construct, id: string, props: WarehouseCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.databaseName = props.databaseName;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: props.databaseName,
        description: 'Support KPI warehouse: landing tables (JSON) and models (Iceberg)',
        locationUri: props.curatedBucket.s3UrlForObject('warehouse/'),
        // No IAMAllowedPrincipals default: every table, including those the model runner creates
        // later, is governed by Lake Formation grants rather than by IAM alone.
        createTableDefaultPermissions: [],
      },
    });

    const tables = new Map<LandingStream, glue.CfnTable>();
    for (const stream of Object.values(landingStreams) as LandingStream[]) {
      const location = props.rawBucket.s3UrlForObject(landingPrefix(stream));
      const table = new glue.CfnTable(this, `Landing-${stream.source}-${stream.stream}`, {
        catalogId: stack.account,
        databaseName: props.databaseName,
        // The one rendering of a landing table, which the Athena engine's DDL is printed from too.
        tableInput: landingGlueTable(stream, location, { projectionStart: props.projectionStartDate }),
      });
      table.addDependency(this.database);
      tables.set(stream, table);
    }
    this.landingTables = tables;

    const workgroups = {} as Record<WorkgroupRole, athena.CfnWorkGroup>;
    for (const role of workgroupRoles) {
      workgroups[role] = new athena.CfnWorkGroup(this, `Workgroup-${role}`, {
        name: workgroupName(props.workgroupPrefix, role),
        description: `Support KPI warehouse: queries of the ${role} role`,
        state: 'ENABLED',
        recursiveDeleteOption: true,
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10_000_000_000,
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          resultConfiguration: {
            outputLocation: props.resultsBucket.s3UrlForObject(`${role}/`),
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
            expectedBucketOwner: stack.account,
          },
        },
      });
    }
    this.workgroups = workgroups;

    for (const [name, query] of Object.entries(analystQueries)) {
      const named = new athena.CfnNamedQuery(this, `Query-${name}`, {
        name,
        description: query.description,
        database: props.databaseName,
        workGroup: workgroups.analyst.name,
        queryString: query.sql(props.databaseName),
      });
      named.addDependency(workgroups.analyst);
    }
  }

  workgroupArn(role: WorkgroupRole): string {
    const stack = Stack.of(this);
    return stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workgroups[role].name,
    });
  }
}
