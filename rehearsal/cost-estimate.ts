import type { RehearsalReport } from './rehearse.ts';

/**
 * AWS public on-demand prices, eu-west-1 (Ireland), as published on the AWS pricing pages
 * (Lambda, Step Functions, S3, KMS, Athena, Secrets Manager, CloudTrail, SNS), taken on
 * 2026-12-07 from the pages as last known here (this machine has no internet: check them again).
 */
export const prices = {
  date: '2026-12-07',
  region: 'eu-west-1',
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  stepFunctionsTransition: 0.025 / 1000,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  s3StandardGbMonth: 0.023,
  kmsRequest: 0.03 / 10_000,
  kmsKeyMonth: 1,
  athenaTb: 5,
  athenaMinimumBytesPerQuery: 10 * 1024 ** 2,
  secretMonth: 0.4,
  secretsRequest: 0.05 / 10_000,
  cloudTrailDataEvent: 0.1 / 100_000,
} as const;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

/**
 * A month of the deployed schedules (an extract every hour, a nightly full run) at `ticketsPerDay`,
 * from what the rehearsal counted at its own volume. Per-execution work (transitions, invocations,
 * secret reads) is taken as counted; object writes and reads and their KMS requests scale with the
 * ticket volume above the rehearsal's for the data prefixes only (pages grow with tickets;
 * checkpoints, manifests and audit entries are per run). Athena is the query count
 * times the 10 MB minimum (the floor) plus `athenaBytesPerDay` when known (bench/kpi-incremental.ts
 * or the local Athena); Lambda seconds of the model steps are `modelStepSeconds` per nightly run.
 */
export function monthlyCost(
  report: RehearsalReport,
  options: {
    rehearsalTicketsPerDay: number;
    ticketsPerDay: number;
    queriesPerNightlyRun?: number;
    athenaBytesPerDay?: number;
    modelStepSeconds?: number;
    storedGb?: number;
  },
): CostLine[] {
  const executions = report.plays.flatMap((p) => p.executions);
  const n = executions.length;
  const scale = Math.max(1, options.ticketsPerDay / options.rehearsalTicketsPerDay);
  // Pages (raw/, landing/, quarantine/) grow with the tickets; checkpoints, manifests and audit
  // entries are per run and do not.
  const isData = (resource: string) => /:::[^/]+\/(raw|landing|quarantine)\//.test(resource);
  const perRun = (action: string) =>
    report.calls
      .filter((c) => c.action === action)
      .reduce((sum, c) => sum + (isData(c.resource) ? scale : 1), 0) / n;
  const kmsShare = (() => {
    const s3 = report.calls.filter((c) => c.action.startsWith('s3:'));
    const scaled = s3.reduce((sum, c) => sum + (isData(c.resource) ? scale : 1), 0);
    return s3.length === 0 ? 1 : scaled / s3.length;
  })();
  const runsPerMonth = 24 * 30 + 30;
  const extract = report.invocations.extract ?? { count: 0, seconds: 0 };
  const extractGbSeconds = (extract.seconds / n) * runsPerMonth * 1 * Math.sqrt(scale);
  const modelGbSeconds = 30 * (options.modelStepSeconds ?? 900) * 0.5;
  const transitions = (report.transitions / n) * runsPerMonth;
  const puts = (perRun('s3:PutObject') + perRun('s3:DeleteObject')) * runsPerMonth;
  const gets = (perRun('s3:GetObject') + perRun('s3:ListBucket')) * runsPerMonth;
  // S3 Bucket Keys: S3 asks KMS once per bucket key period, not per object; the count is an upper bound.
  const kmsCalls = report.calls.filter(
    (c) => c.action === 'kms:GenerateDataKey' || c.action === 'kms:Decrypt',
  );
  const kms = (kmsCalls.length / n) * kmsShare * runsPerMonth;
  const queries = (options.queriesPerNightlyRun ?? 150) * 30;
  const athenaBytes = Math.max(
    queries * prices.athenaMinimumBytesPerQuery,
    (options.athenaBytesPerDay ?? 0) * 30,
  );
  const invocations =
    ((extract.count + Object.values(report.substituted).reduce((a, b) => a + b, 0)) / n) * runsPerMonth;
  return [
    {
      item: 'Step Functions transitions',
      quantity: transitions,
      unit: 'transitions',
      usd: transitions * prices.stepFunctionsTransition,
    },
    {
      item: 'Lambda (arm64) GB-seconds',
      quantity: extractGbSeconds + modelGbSeconds,
      unit: 'GB-s',
      usd:
        (extractGbSeconds + modelGbSeconds) * prices.lambdaArmGbSecond + invocations * prices.lambdaRequest,
    },
    {
      item: 'Athena bytes scanned',
      quantity: athenaBytes / 1024 ** 3,
      unit: 'GB',
      usd: (athenaBytes / 1024 ** 4) * prices.athenaTb,
    },
    { item: 'S3 PUT/LIST-class requests', quantity: puts, unit: 'requests', usd: puts * prices.s3Put },
    { item: 'S3 GET-class requests', quantity: gets, unit: 'requests', usd: gets * prices.s3Get },
    {
      item: 'S3 storage',
      quantity: options.storedGb ?? 1,
      unit: 'GB-month',
      usd: (options.storedGb ?? 1) * prices.s3StandardGbMonth,
    },
    {
      item: 'KMS requests (upper bound) + key',
      quantity: kms,
      unit: 'requests',
      usd: kms * prices.kmsRequest + prices.kmsKeyMonth,
    },
    { item: 'Secrets Manager (3 secrets)', quantity: 3, unit: 'secrets', usd: 3 * prices.secretMonth },
    {
      item: 'CloudTrail S3 data events',
      quantity: puts + gets,
      unit: 'events',
      usd: (puts + gets) * prices.cloudTrailDataEvent,
    },
  ];
}
