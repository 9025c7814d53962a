import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { WarehouseCatalog } from '#infra/catalog/warehouse-catalog.ts';
import type { WarehouseStorage } from '#infra/storage/warehouse-storage.ts';

/**
 * The hash-chained audit log in the Object Lock bucket (`audit-log/`): the sink reads HEAD.json
 * and lists entries/ to find the tail, then writes the next entry with If-None-Match.
 */
export function grantAuditLog(storage: WarehouseStorage, role: iam.IRole): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [storage.audit.arnForObjects('audit-log/*')],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [storage.audit.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['audit-log/*'] } },
    }),
  );
  storage.key.grantEncryptDecrypt(role);
}

/** Run queries in the pipeline workgroup, read landing and write curated tables. */
export function grantAthena(
  scope: Construct,
  role: iam.IRole,
  storage: WarehouseStorage,
  catalog: WarehouseCatalog,
): void {
  const stack = Stack.of(scope);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:StopQueryExecution',
        'athena:GetWorkGroup',
      ],
      resources: [catalog.workgroupArn('pipeline')],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartitions',
        'glue:CreateTable',
        'glue:UpdateTable',
        'glue:DeleteTable',
      ],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: catalog.databaseName }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${catalog.databaseName}/*` }),
      ],
    }),
  );
  role.addToPrincipalPolicy(
    // AddLFTagsToResource: the runner tags the tables it creates with their class (Lake Formation
    // also checks ASSOCIATE on the tag, granted in infra/access).
    new iam.PolicyStatement({
      actions: ['lakeformation:GetDataAccess', 'lakeformation:AddLFTagsToResource'],
      resources: ['*'],
    }),
  );
  storage.raw.grantRead(role);
  storage.curated.grantReadWrite(role);
  storage.athenaResults.grantReadWrite(role, 'pipeline/*');
}
