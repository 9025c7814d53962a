import type { WildcardAcknowledgement } from './acknowledge-wildcards.ts';

/**
 * Every IAM wildcard of the stack, accepted by hand with its reason (cdk-nag AwsSolutions-IAM5).
 * A wildcard not listed here fails `cdk synth`: review it, scope it if it can be scoped, otherwise
 * add it here with the reason it is needed. `tests/infra/wildcard-acknowledgements.test.ts` holds
 * the list to the stack both ways (an unlisted wildcard fails; an entry nothing matches fails).
 * Findings are written as `normaliseFinding` shows them (logical ids without their hash).
 */
const entries = (principal: string, findings: readonly string[], reason: string): WildcardAcknowledgement[] =>
  findings.map((finding) => ({ principal, finding, reason }));

/** `key.grantEncryptDecrypt`: the standard KMS grant set of the warehouse key, on that key only. */
const KMS_GRANT = ['Action::kms:ReEncrypt*', 'Action::kms:GenerateDataKey*'];
const KMS_REASON =
  'kms:ReEncrypt* and kms:GenerateDataKey* are the standard encrypt/decrypt grant set of the warehouse key (key.grantEncryptDecrypt), on that key only.';
/** `bucket.grantRead` / `grantReadWrite`: the standard S3 action sets, each on a scoped resource listed below. */
const S3_READ = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'];
const S3_WRITE = ['Action::s3:DeleteObject*', 'Action::s3:Abort*'];
const S3_REASON =
  'The S3 action wildcards are the standard read/write grant sets of CDK (bucket.grantRead/grantReadWrite); the resources they apply to are each listed with their own reason.';
const TABLES = 'Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/{name}/*';
const TABLES_REASON =
  "The warehouse database's tables are created at run time, so Glue actions cover table/<database>/*; Lake Formation decides the columns.";

export const wildcardAcknowledgements: readonly WildcardAcknowledgement[] = [
  // ------------------------------------------------------------------ extraction (one role per source)
  ...entries('Pipeline/Extract*Role', KMS_GRANT, KMS_REASON),
  ...entries('Pipeline/Extract*Role', [...S3_READ, ...S3_WRITE], S3_REASON),
  ...entries(
    'Pipeline/Extract*Role',
    ['Resource::<StorageRaw.Arn>/*'],
    'Object keys under raw/, landing/, quarantine/ and the checkpoints are created per run and page, so object actions need bucket/*.',
  ),
  ...entries(
    'Pipeline/*Role',
    ['Resource::<StorageAudit.Arn>/audit-log/*'],
    'The audit log writes one object per entry under audit-log/entries/ (If-None-Match) and reads HEAD.json: keys made at run time.',
  ),
  ...entries(
    'Pipeline/*Role',
    ['Resource::*'],
    'X-Ray (xray:PutTraceSegments, PutTelemetryRecords) and, for the pipeline role, lakeformation:GetDataAccess and AddLFTagsToResource take no resource.',
  ),
  // ------------------------------------------------------------------------------ run lock
  ...entries('Pipeline/RunLockRole', KMS_GRANT, KMS_REASON),
  // ------------------------------------------------------------------ Athena-driven steps
  ...entries('Pipeline/PipelineRole', KMS_GRANT, KMS_REASON),
  ...entries('Pipeline/PipelineRole', [...S3_READ, ...S3_WRITE], S3_REASON),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StorageRaw.Arn>/*'],
    'The models read every landing file and retention deletes expired raw and landing objects, whose keys are made per run and page.',
  ),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StorageCurated.Arn>/*'],
    'Models create and rewrite Iceberg data and metadata files under generated keys in the curated bucket.',
  ),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StoragePublished.Arn>/*'],
    'Publication writes each run under publications/<run id>/ and switches the current pointer; retention removes old publications.',
  ),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StorageAthenaResults.Arn>/pipeline/*'],
    "Athena writes each query's results under the pipeline workgroup's prefix, one key per query.",
  ),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StorageRaw.Arn>/landing/nlp/*', 'Resource::<StorageRaw.Arn>/state/nlp/*'],
    'The sentiment stage writes one scored file per input file under landing/nlp/ and its checkpoint under state/nlp/.',
  ),
  ...entries(
    'Pipeline/PipelineRole',
    ['Resource::<StorageRaw.Arn>/state/transform/*'],
    "The transform keeps each run's progress in state/transform/<run id>.json (one key per run), so an invocation stopped before the Lambda time limit is continued by the next.",
  ),
  ...entries(
    'Pipeline/TransformComprehend',
    ['Resource::*'],
    'Comprehend BatchDetectSentiment has no resource type (Service Authorization Reference: Amazon Comprehend), so it takes Resource *; the statement is limited to calls from the transform function by lambda:SourceFunctionArn.',
  ),
  ...entries(
    'Pipeline/PipelineRole',
    [
      'Resource::<StorageRaw.Arn>/raw/*',
      'Resource::<StorageRaw.Arn>/landing/*',
      'Resource::<StorageRaw.Arn>/quarantine/*',
    ],
    'Retention rewrites expired raw and landing pages (and quarantined records) to the records a legal hold keeps; their keys are made per run and page.',
  ),
  ...entries('Pipeline/PipelineRole', [TABLES], TABLES_REASON),
  // ------------------------------------------------------------------------- state machine
  ...entries('Pipeline/StateMachine/Role', KMS_GRANT, KMS_REASON),
  ...entries(
    'Pipeline/StateMachine/Role',
    ['Resource::*'],
    'X-Ray and the CloudWatch Logs delivery actions of Step Functions take no resource.',
  ),
  ...entries(
    'Pipeline/StateMachine/Role',
    [
      'Resource::<PipelineRunLockFunction.Arn>:*',
      'Resource::<PipelineExtractZendeskFunction.Arn>:*',
      'Resource::<PipelineExtractHubspotFunction.Arn>:*',
      'Resource::<PipelineTransformFunction.Arn>:*',
      'Resource::<PipelineDataTestsFunction.Arn>:*',
      'Resource::<PipelinePublishFunction.Arn>:*',
      'Resource::<PipelineSlaAlertsFunction.Arn>:*',
      'Resource::<PipelineRetentionFunction.Arn>:*',
    ],
    'The state machine invokes each pipeline function at any version (`:*`), as CDK grants for LambdaInvoke.',
  ),
  ...entries(
    'Pipeline/SchedulerRole',
    ['Resource::<PipelineRetentionFunction.Arn>:*'],
    'The maintenance schedule invokes the retention function at any version (`:*`), as CDK grants lambda:InvokeFunction to a Lambda target.',
  ),
  // ------------------------------------------------------------------------- person roles
  ...entries('Access/*Role', KMS_GRANT, KMS_REASON),
  ...entries('Access/*Role', [...S3_READ, ...S3_WRITE], S3_REASON),
  ...entries(
    'Access/*Role',
    ['Resource::*'],
    'athena:ListWorkGroups and lakeformation:GetDataAccess take no resource; Lake Formation decides what each role reads.',
  ),
  ...entries('Access/*Role', [TABLES], TABLES_REASON),
  ...entries(
    'Access/AnalystRole',
    ['Resource::<StorageAthenaResults.Arn>/analyst/*'],
    "Athena writes each query's results under the analyst workgroup's prefix, one key per query.",
  ),
  ...entries(
    'Access/AnalystRole',
    ['Resource::<StoragePublished.Arn>/published/*'],
    'Analysts read every published file (the current and past publications).',
  ),
  ...entries(
    'Access/ComplianceRole',
    ['Resource::<StorageAthenaResults.Arn>/compliance/*'],
    "Athena writes each query's results under the compliance workgroup's prefix, one key per query.",
  ),
  ...entries(
    'Access/ComplianceRole',
    ['Resource::<StoragePublished.Arn>/*'],
    'Compliance reads the whole published bucket (publications and exports) for audits and customer exports.',
  ),
  ...entries(
    'Access/EngineerRole',
    ['Resource::<StorageAthenaResults.Arn>/engineer/*'],
    "Athena writes each query's results under the engineer workgroup's prefix, one key per query.",
  ),
  ...entries(
    'Access/EngineerRole',
    [
      'Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"PipelineStateMachine"}]}]}:*',
    ],
    "Engineers inspect this state machine's executions, whose names are made per run.",
  ),
  ...entries(
    'Access/DataAccessRole',
    ['Resource::<StorageCurated.Arn>/*', 'Resource::<StorageRaw.Arn>/landing/*'],
    'Lake Formation vends access to every object under the registered locations (landing/ and the curated bucket), whose keys are not known in advance.',
  ),
];
