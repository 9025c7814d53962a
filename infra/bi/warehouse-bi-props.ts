export interface WarehouseBiProps {
  readonly name: string;
  readonly databaseName: string;
  /** Athena workgroup QuickSight queries through (the analyst one: no personal data). */
  readonly workgroupName: string;
  /**
   * QuickSight users or groups of analysts (read-only on the datasets).
   * @default []
   */
  readonly analystPrincipals?: readonly string[];
  /**
   * QuickSight users or groups of the compliance team (read-only on the datasets).
   * @default []
   */
  readonly compliancePrincipals?: readonly string[];
}
