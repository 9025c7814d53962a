import type { RehearsalReport } from './rehearse.ts';

/**
 * AWS public on-demand list prices, looked up on 2026-12-07 on AWS's pricing pages (first tier,
 * no free tier deducted). Europe (Ireland) = eu-west-1 where the page lists regions (Step
 * Functions: $0.0250 per 1,000 transitions in Europe (Ireland)); the Lambda page's examples are
 * priced in US East and AWS lists the same Arm duration price for eu-west-1; KMS, Athena, Secrets
 * Manager and CloudTrail data events are priced the same in both. Sources:
 * https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/step-functions/pricing/,
 * https://aws.amazon.com/kms/pricing/, https://aws.amazon.com/athena/pricing/,
 * https://aws.amazon.com/s3/pricing/, https://aws.amazon.com/secrets-manager/pricing/,
 * https://aws.amazon.com/cloudtrail/pricing/.
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
  /** $1 a month, plus $1 for each of the first two yearly rotations of the key material. */
  kmsKeyMonth: 1,
  athenaTb: 5,
  athenaMinimumBytesPerQuery: 10 * 1024 ** 2,
  secretMonth: 0.4,
  secretsRequest: 0.05 / 10_000,
  cloudTrailDataEvent: 0.1 / 100_000,
} as const;

/** A small Athena engine v3 statement takes 1–2 s in AWS (queueing, planning); the Lambda waits. */
export const ATHENA_SECONDS_PER_STATEMENT = 1.5;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

/**
 * A month of the deployed schedules (an extract every hour, a nightly full run) at `ticketsPerDay`,
 * from what the rehearsal counted at its own volume.
 * - Step Functions: the transitions of the rehearsal's extract-only and nightly executions, each
 *   averaged over the successful ones, times 24 × 30 and 30.
 * - Athena: per nightly run, the statements Athena bills (DDL is free), each at least 10 MB, or the
 *   bytes the Athena reported scanned (`Statistics.DataScannedInBytes`) scaled with the volume,
 *   whichever is more. The local Athena reports 0 bytes until it accounts them, so the floor holds.
 * - Lambda: extract seconds as measured (they include the connectors' pacing to the vendors' rate
 *   limits), scaled with the pages an hourly extract reads; model steps: the handlers' seconds without the local engine's
 *   own time, plus `ATHENA_SECONDS_PER_STATEMENT` per statement they waited for, at 512 MB.
 * - S3 and KMS: the recorded requests per execution; object writes and reads of the data prefixes
 *   (raw/, landing/, quarantine/) scale with the pages an hourly extract writes (1,000 records
 *   each), checkpoints, manifests and audit entries are per run. Athena's own reads of S3 are not
 *   recorded (not in the estimate).
 */
export function monthlyCost(
  report: RehearsalReport,
  options: {
    rehearsalTicketsPerDay: number;
    ticketsPerDay: number;
    storedGb?: number;
  },
): CostLine[] {
  const executions = report.plays.flatMap((p) => p.executions);
  const n = executions.length;
  const scale = Math.max(1, options.ticketsPerDay / options.rehearsalTicketsPerDay);
  // Objects and API pages grow with pages, not tickets: an hourly extract writes one page per stream
  // until its largest stream (ticket events, ~7 per ticket) passes 1,000 records in an hour.
  const pagesPerRun = (ticketsPerDay: number) => Math.max(1, Math.ceil((ticketsPerDay * 7) / 24 / 1000));
  const pages = pagesPerRun(options.ticketsPerDay) / pagesPerRun(options.rehearsalTicketsPerDay);
  const isExtract = (e: (typeof executions)[number]) => (e.input as { mode?: string }).mode === 'extract';
  const ok = executions.filter((e) => e.result.status === 'SUCCEEDED');
  const average = (list: typeof executions, of: (e: (typeof executions)[number]) => number) =>
    list.length === 0 ? 0 : list.reduce((sum, e) => sum + of(e), 0) / list.length;
  const extractsPerMonth = 24 * 30;
  const nightlyPerMonth = 30;
  const runsPerMonth = extractsPerMonth + nightlyPerMonth;
  const nightly = ok.filter((e) => !isExtract(e) && report.athena.byExecution[e.name]);
  const transitions =
    average(
      ok.filter((e) => isExtract(e)),
      (e) => e.result.transitions,
    ) *
      extractsPerMonth +
    average(nightly, (e) => e.result.transitions) * nightlyPerMonth;

  // Pages (raw/, landing/, quarantine/) grow with the tickets; checkpoints, manifests and audit
  // entries are per run and do not.
  const isData = (resource: string) => /:::[^/]+\/(raw|landing|quarantine)\//.test(resource);
  const perRun = (action: string) =>
    report.calls
      .filter((c) => c.action === action)
      .reduce((sum, c) => sum + (isData(c.resource) ? pages : 1), 0) / n;
  const kmsShare = (() => {
    const s3 = report.calls.filter((c) => c.action.startsWith('s3:'));
    const scaled = s3.reduce((sum, c) => sum + (isData(c.resource) ? pages : 1), 0);
    return s3.length === 0 ? 1 : scaled / s3.length;
  })();
  const puts = (perRun('s3:PutObject') + perRun('s3:DeleteObject')) * runsPerMonth;
  const gets = (perRun('s3:GetObject') + perRun('s3:ListBucket')) * runsPerMonth;
  // S3 Bucket Keys: S3 asks KMS once per bucket key period, not per object; the count is an upper bound.
  const kmsCalls = report.calls.filter(
    (c) => c.action === 'kms:GenerateDataKey' || c.action === 'kms:Decrypt',
  );
  const kms = (kmsCalls.length / n) * kmsShare * runsPerMonth;

  const athenaOf = (e: (typeof executions)[number]) => report.athena.byExecution[e.name]!;
  const billedStatements = average(nightly, (e) => athenaOf(e).billedStatements);
  const bytesPerNight = Math.max(
    billedStatements * prices.athenaMinimumBytesPerQuery,
    average(nightly, (e) => athenaOf(e).bytesScanned) * scale,
  );
  const athenaBytes = bytesPerNight * nightlyPerMonth;

  const extract = report.invocations.extract ?? { count: 0, seconds: 0 };
  const extractGbSeconds = (extract.seconds / n) * runsPerMonth * 1 * pages;
  const modelSeconds = Object.entries(report.invocations)
    .filter(([handler]) => handler !== 'extract')
    .reduce((sum, [, i]) => sum + i.seconds, 0);
  const engineSeconds = Object.values(report.athena.byExecution).reduce((sum, e) => sum + e.engineSeconds, 0);
  const statements = Object.values(report.athena.byExecution).reduce((sum, e) => sum + e.statements, 0);
  const modelRuns = Math.max(1, nightly.length);
  const modelSecondsPerNight =
    Math.max(0, modelSeconds - engineSeconds) / modelRuns +
    (statements / modelRuns) * ATHENA_SECONDS_PER_STATEMENT;
  const modelGbSeconds = nightlyPerMonth * modelSecondsPerNight * 0.5;
  const invocations = (Object.values(report.invocations).reduce((a, b) => a + b.count, 0) / n) * runsPerMonth;
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
      item: `Athena bytes (${Math.round(billedStatements)} billed statements a night)`,
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
