import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { WarehouseAccess } from '#infra/access/warehouse-access.ts';
import { WarehouseBi } from '#infra/bi/warehouse-bi.ts';
import { WarehouseCatalog } from '#infra/catalog/warehouse-catalog.ts';
import {
  type DeploymentConfig,
  parseCarriedConfig,
  warehouseConfigInput,
} from '#infra/config/deployment-config.ts';
import { acknowledgeListedWildcards } from '#infra/nag/acknowledge-wildcards.ts';
import { wildcardAcknowledgements } from '#infra/nag/wildcard-acknowledgements.ts';
import { WarehouseAlerts } from '#infra/operations/warehouse-alerts.ts';
import { WarehouseAuditTrail } from '#infra/operations/warehouse-audit-trail.ts';
import { WarehousePipeline } from '#infra/pipeline/warehouse-pipeline.ts';
import { WarehouseStorage } from '#infra/storage/warehouse-storage.ts';

export interface WarehouseStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** The whole warehouse in one account and region: one construct per concern, wired here. */
export class WarehouseStack extends Stack {
  readonly storage: WarehouseStorage;
  readonly catalog: WarehouseCatalog;
  readonly alerts: WarehouseAlerts;
  readonly pipeline: WarehousePipeline;
  readonly access: WarehouseAccess;
  readonly auditTrail: WarehouseAuditTrail;
  readonly bi?: WarehouseBi;

  constructor(scope: Construct, id: string, props: WarehouseStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.config.account, region: props.config.region },
      description: 'Support KPI warehouse: lake, catalog, scheduled pipeline, access, audit and BI',
    });
    const { config } = props;
    const logRetention = config.retention.logDays as logs.RetentionDays;
    const databaseName = config.name.replace(/-/g, '_');

    // The warehouse configuration the functions run with (desk, SLA, KPIs, holds, sentiment, …).
    const warehouseConfig = warehouseConfigInput(config);
    const legalHolds = parseCarriedConfig(warehouseConfig).governance.legalHolds.length;
    this.storage = new WarehouseStorage(this, 'Storage', {
      legalHolds,
      removalPolicy: config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      factsMonths: config.retention.factsMonths,
      textMonths: config.retention.textMonths,
      auditRetentionDays: config.retention.auditDays,
    });
    const startDates = [config.sources.zendesk?.startDate, config.sources.hubspot?.startDate].filter(
      (d): d is string => d !== undefined,
    );
    this.catalog = new WarehouseCatalog(this, 'Catalog', {
      databaseName,
      workgroupPrefix: config.name,
      rawBucket: this.storage.raw,
      curatedBucket: this.storage.curated,
      resultsBucket: this.storage.athenaResults,
      key: this.storage.key,
      bytesScannedCutoffPerQuery: config.athena.bytesScannedCutoffPerQuery,
      ...(startDates.length > 0 ? { projectionStartDate: startDates.sort()[0]! } : {}),
    });
    this.alerts = new WarehouseAlerts(this, 'Alerts', {
      key: this.storage.key,
      topicName: `${config.name}-alerts`,
      ...(config.alerts.email ? { email: config.alerts.email } : {}),
    });

    const { zendesk, hubspot } = config.sources;
    this.pipeline = new WarehousePipeline(this, 'Pipeline', {
      name: config.name,
      storage: this.storage,
      catalog: this.catalog,
      alertTopic: this.alerts.topic,
      sources: {
        ...(zendesk ? { zendesk: { secretName: zendesk.secretName ?? `${config.name}/zendesk` } } : {}),
        ...(hubspot ? { hubspot: { secretName: hubspot.secretName ?? `${config.name}/hubspot` } } : {}),
      },
      warehouseConfig,
      extractSchedule: config.schedules.extract,
      modelsSchedule: config.schedules.models,
      scheduleTimeZone: config.schedules.timeZone,
      schedulesEnabled: config.schedules.enabled,
      logRetention,
    });
    this.alerts.watch(this.pipeline.stateMachine, this.pipeline.deadLetterQueue, {
      staleAfterHours: config.alerts.staleAfterHours,
    });

    this.access = new WarehouseAccess(this, 'Access', {
      name: config.name,
      storage: this.storage,
      catalog: this.catalog,
      pipelineRole: this.pipeline.pipelineRole,
      extractRoles: this.pipeline.extractRoles,
      stateMachine: this.pipeline.stateMachine,
      trustedPrincipals: {
        analyst: config.roles.analyst.trustedPrincipals,
        compliance: config.roles.compliance.trustedPrincipals,
        engineer: config.roles.engineer.trustedPrincipals,
      },
      lakeFormationAdmins: config.lakeFormation.admins,
    });

    this.auditTrail = new WarehouseAuditTrail(this, 'AuditTrail', {
      auditBucket: this.storage.audit,
      key: this.storage.key,
      trailName: `${config.name}-audit`,
      dataBuckets: [this.storage.raw, this.storage.curated, this.storage.published],
      logRetention,
    });

    if (config.quicksight.enabled) {
      this.bi = new WarehouseBi(this, 'Bi', {
        name: config.name,
        databaseName,
        workgroupName: this.catalog.workgroups.analyst.name,
        analystPrincipals: config.quicksight.analystPrincipals,
        compliancePrincipals: config.quicksight.compliancePrincipals,
      });
    }

    // Each IAM wildcard is acknowledged by hand, with its reason; a new one fails the synthesis.
    acknowledgeListedWildcards(this, wildcardAcknowledgements);
  }
}
