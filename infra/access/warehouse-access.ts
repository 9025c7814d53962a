import { Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';
import type { WorkgroupRole } from '#infra/catalog/warehouse-catalog-props.ts';
import {
  classesOf,
  type PersonRole,
  personRoles,
  type TableGrant,
  tableClass,
  tableClasses,
  tableGrants,
} from './lake-formation-grants.ts';
import type { WarehouseAccessProps } from './warehouse-access-props.ts';

/** LF-Tag carrying the access policy's table class; tables the runner creates inherit `unclassified`. */
export const classTag = { key: 'warehouse_class', default: 'unclassified' } as const;

const roleDescriptions: Record<PersonRole, string> = {
  analyst: 'Reads KPI marts and non-personal columns through the analyst Athena workgroup',
  compliance: 'Reads everything retained, personal data and message text included, and its exports',
  engineer: 'Operates the pipeline (starts backfills) and reads non-personal data',
};

/**
 * IAM roles for the people who use the warehouse, each bound to its own Athena workgroup, and the
 * Lake Formation grants that decide what each may read, both rendered from the governance access
 * policy (`src/governance/access/access-policy.ts`):
 * - tables that exist at deployment (landing): one SELECT grant per role and table it may read,
 *   with a ColumnWildcard excluding the personal and text columns it may not read;
 * - every table, including those the model runner creates later: the LF-Tag `warehouse_class`
 *   (the policy's table class) and one tag-policy grant per role on the classes it reads. The
 *   database carries `unclassified`, so a new table is readable by compliance and the pipeline only
 *   until it is tagged with its class (fail closed).
 */
export class WarehouseAccess extends Construct {
  readonly roles: Readonly<Record<PersonRole, iam.Role>>;
  readonly tableGrants: readonly TableGrant[];
  readonly dataAccessRole: iam.Role;

  constructor(scope: Construct, id: string, props: WarehouseAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { storage, catalog } = props;
    const catalogId = stack.account;
    const databaseName = catalog.databaseName;

    let settings: lakeformation.CfnDataLakeSettings | undefined;
    if (props.lakeFormationAdmins && props.lakeFormationAdmins.length > 0) {
      // Data lake settings are account-wide. APPEND adds our administrators to the account's list;
      // the default (REPLACE) would drop every other administrator, and listing the default
      // create-database/table permissions (even empty) would reset them for every other database.
      settings = new lakeformation.CfnDataLakeSettings(this, 'Settings', {
        admins: props.lakeFormationAdmins.map((arn) => ({ dataLakePrincipalIdentifier: arn })),
        mutationType: 'APPEND',
      });
    }
    const afterSettings = <T extends { addDependency(d: lakeformation.CfnDataLakeSettings): void }>(r: T) => {
      if (settings) r.addDependency(settings);
      return r;
    };

    // Lake Formation reads the KMS-encrypted buckets with this role when it vends credentials.
    this.dataAccessRole = new iam.Role(this, 'DataAccessRole', {
      assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com'),
      description: 'Lake Formation data access to the landing and curated locations',
    });
    storage.raw.grantRead(this.dataAccessRole, 'landing/*');
    storage.curated.grantReadWrite(this.dataAccessRole);
    const locations = [
      { id: 'Landing', arn: `${storage.raw.bucketArn}/landing` },
      { id: 'Curated', arn: storage.curated.bucketArn },
    ].map(({ id, arn }) =>
      afterSettings(
        new lakeformation.CfnResource(this, `Location${id}`, {
          resourceArn: arn,
          useServiceLinkedRole: false,
          roleArn: this.dataAccessRole.roleArn,
        }),
      ),
    );

    const tag = afterSettings(
      new lakeformation.CfnTag(this, 'ClassTag', {
        catalogId,
        tagKey: classTag.key,
        tagValues: [...tableClasses],
      }),
    );
    const databaseTag = new lakeformation.CfnTagAssociation(this, 'DatabaseClass', {
      lfTags: [{ catalogId, tagKey: classTag.key, tagValues: [classTag.default] }],
      resource: { database: { catalogId, name: databaseName } },
    });
    databaseTag.addDependency(tag);
    databaseTag.addDependency(catalog.database);
    const tableTags: lakeformation.CfnTagAssociation[] = [];
    for (const table of catalog.landingTables.values()) {
      const input = table.tableInput as glue.CfnTable.TableInputProperty;
      const sd = input.storageDescriptor as glue.CfnTable.StorageDescriptorProperty;
      const columns = (sd.columns as glue.CfnTable.ColumnProperty[]).map((c) => c.name);
      const association = new lakeformation.CfnTagAssociation(this, `Class-${table.node.id}`, {
        lfTags: [{ catalogId, tagKey: classTag.key, tagValues: [tableClass(input.name!, columns)] }],
        resource: { table: { catalogId, databaseName, name: input.name! } },
      });
      association.addDependency(tag);
      association.addDependency(databaseTag);
      association.addDependency(table);
      tableTags.push(association);
    }

    const grant = (
      id: string,
      principal: string,
      permissions: string[],
      resource: lakeformation.CfnPrincipalPermissions.ResourceProperty,
      dependsOn: { addDependency?: unknown }[] = [],
    ) => {
      const p = afterSettings(
        new lakeformation.CfnPrincipalPermissions(this, id, {
          principal: { dataLakePrincipalIdentifier: principal },
          permissions,
          permissionsWithGrantOption: [],
          resource,
        }),
      );
      for (const d of dependsOn) p.addDependency(d as never);
      return p;
    };
    const tablesOfClasses = (
      classes: readonly string[],
    ): lakeformation.CfnPrincipalPermissions.ResourceProperty => ({
      lfTagPolicy: {
        catalogId,
        resourceType: 'TABLE',
        expression: [{ tagKey: classTag.key, tagValues: [...classes] }],
      },
    });

    // ------------------------------------------------------------------------------ person roles
    const roles = {} as Record<PersonRole, iam.Role>;
    for (const role of personRoles) {
      const trusted = props.trustedPrincipals[role];
      if (trusted.length === 0)
        throw new Error(
          `WarehouseAccess: trustedPrincipals.${role} is empty; name the principals allowed to assume the ${role} role (an empty list would trust the whole account)`,
        );
      const assumedBy = new iam.CompositePrincipal(...trusted.map((arn) => new iam.ArnPrincipal(arn)));
      const r = new iam.Role(this, `${role[0]!.toUpperCase()}${role.slice(1)}Role`, {
        roleName: `${props.name}-${role}`,
        description: roleDescriptions[role],
        assumedBy,
      });
      this.bindToWorkgroup(r, role, props);
      grant(`${role}-database`, r.roleArn, ['DESCRIBE'], { database: { catalogId, name: databaseName } }, [
        catalog.database,
      ]);
      grant(`${role}-classes`, r.roleArn, ['SELECT', 'DESCRIBE'], tablesOfClasses(classesOf(role)), [tag]);
      roles[role] = r;
    }
    this.roles = roles;

    this.tableGrants = tableGrants(props.policyTables);
    const tablesByName = new Map(
      [...catalog.landingTables.values()].map((t) => [(t.tableInput as { name: string }).name, t]),
    );
    for (const g of this.tableGrants) {
      const table = tablesByName.get(g.table);
      const resource: lakeformation.CfnPrincipalPermissions.ResourceProperty =
        g.excludedColumns.length === 0
          ? { table: { catalogId, databaseName, name: g.table } }
          : {
              tableWithColumns: {
                catalogId,
                databaseName,
                name: g.table,
                columnWildcard: { excludedColumnNames: [...g.excludedColumns] },
              },
            };
      grant(`${g.role}-${g.table}`, roles[g.role].roleArn, ['SELECT'], resource, table ? [table] : []);
    }

    // ---------------------------------------------------------------------------- pipeline roles
    const pipeline = props.pipelineRole.roleArn;
    grant(
      'pipeline-database',
      pipeline,
      ['CREATE_TABLE', 'ALTER', 'DROP', 'DESCRIBE'],
      {
        database: { catalogId, name: databaseName },
      },
      [catalog.database],
    );
    grant('pipeline-tables', pipeline, ['ALL'], tablesOfClasses(classesOf('pipeline')), [tag]);
    // Tagging the tables it creates with their class is how the runner hands them to the roles.
    grant(
      'pipeline-tag',
      pipeline,
      ['ASSOCIATE'],
      { lfTag: { catalogId, tagKey: classTag.key, tagValues: [...tableClasses] } },
      [tag],
    );
    locations.forEach((location, i) => {
      grant(
        `pipeline-location-${i}`,
        pipeline,
        ['DATA_LOCATION_ACCESS'],
        { dataLocation: { catalogId, resourceArn: location.resourceArn } },
        [location],
      );
    });
    props.stateMachine.grantStartExecution(roles.engineer);
    props.stateMachine.grantRead(roles.engineer);
  }

  /** The role may run queries only in its own workgroup and read only its own results. */
  private bindToWorkgroup(role: iam.Role, name: WorkgroupRole, props: WarehouseAccessProps): void {
    const { storage, catalog } = props;
    const stack = Stack.of(this);
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OwnWorkgroupOnly',
        actions: [
          'athena:StartQueryExecution',
          'athena:StopQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:GetQueryResultsStream',
          'athena:ListQueryExecutions',
          'athena:GetWorkGroup',
          'athena:ListNamedQueries',
          'athena:GetNamedQuery',
          'athena:BatchGetNamedQuery',
        ],
        resources: [catalog.workgroupArn(name)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListWorkgroupsAndCatalogs',
        actions: ['athena:ListWorkGroups', 'athena:ListDataCatalogs', 'athena:ListEngineVersions'],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCatalog',
        actions: [
          'glue:GetDatabase',
          'glue:GetDatabases',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartitions',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: catalog.databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${catalog.databaseName}/*` }),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeFormationCredentials',
        actions: ['lakeformation:GetDataAccess'],
        resources: ['*'],
      }),
    );
    storage.athenaResults.grantReadWrite(role, `${name}/*`);
    storage.key.grantEncryptDecrypt(role);
    if (name === 'compliance') storage.published.grantRead(role);
    if (name === 'analyst') storage.published.grantRead(role, 'published/*');
  }
}
