import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { WarehouseCatalog } from '#infra/catalog/warehouse-catalog.ts';
import type { WarehouseStorage } from '#infra/storage/warehouse-storage.ts';
import type { PersonRole } from './lake-formation-grants.ts';

export interface WarehouseAccessProps {
  readonly name: string;
  readonly storage: WarehouseStorage;
  readonly catalog: WarehouseCatalog;
  /** The role the Athena-driven pipeline steps run as: creates and reads every table. */
  readonly pipelineRole: iam.IRole;
  /** Roles of the extraction functions: they write landing files but never query. */
  readonly extractRoles?: readonly iam.IRole[];
  /** The state machine engineers may start (backfills) and inspect. */
  readonly stateMachine: sfn.IStateMachine;
  /** Principals allowed to assume each role; at least one each (the account as a whole is refused). */
  readonly trustedPrincipals: Readonly<Record<PersonRole, readonly string[]>>;
  /**
   * Tables (name → columns) to render explicit grants for; each must exist when the stack deploys.
   * @default landingPolicyTables() (every landing table with its declared columns)
   */
  readonly policyTables?: Readonly<Record<string, readonly string[]>>;
  /**
   * Lake Formation data lake administrators to add (account-wide; appended to the existing list).
   * @default - the account's Lake Formation settings are left alone
   */
  readonly lakeFormationAdmins?: readonly string[];
}
