import { monthlyCost, prices } from './cost-estimate.ts';
import { rehearse, unmetExpectations } from './rehearse.ts';

/**
 * `npm run rehearse`: synthesize the stack, validate the state machine, play the scenarios with the
 * real handlers on loopback (the model steps against the local Athena, started here unless
 * `--athena-endpoint URL` names another), and check every AWS call against the stack's own policies.
 */
const args = process.argv.slice(2);
const flag = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const athenaEndpoint = flag('--athena-endpoint');
const report = await rehearse({
  ticketsPerDay: Number(flag('--tickets-per-day') ?? 10),
  simulatedDays: Number(flag('--days') ?? 2),
  extractsPerDay: Number(flag('--extracts-per-day') ?? 3),
  ...(athenaEndpoint ? { athenaEndpoint } : {}),
  log: (line) => console.log(line),
});

console.log('\nLambda invocations:');
for (const [handler, { count, seconds }] of Object.entries(report.invocations))
  console.log(`  ${handler}: ${count} (${seconds.toFixed(1)} s)`);
console.log(`State transitions: ${report.transitions}`);
const billed = Object.values(report.athena.byExecution).reduce((n, e) => n + e.billedStatements, 0);
console.log(
  `Athena statements: ${report.athena.statements} (${billed} billed, not DDL; bytes scanned ${report.athena.bytesReported ? 'reported' : 'not reported by this Athena: the 10 MB floor applies'})`,
);
if (report.kpiComparison)
  console.log(
    `Published KPIs against a local DuckDB run: ${report.kpiComparison.tables} tables, ${report.kpiComparison.rows} rows, ${report.kpiComparison.differences.length} tables differ`,
  );
if (report.retention)
  console.log(
    `Retention 25 months later, one customer held: their tickets ${report.retention.before.held} → ${report.retention.after.held}, everyone else's ${report.retention.before.others} → ${report.retention.after.others} (landing: ${report.retention.landingBefore.held} → ${report.retention.landingAfter.held}, ${report.retention.landingBefore.others} → ${report.retention.landingAfter.others})`,
  );
const byAction = new Map<string, number>();
for (const call of report.calls) byAction.set(call.action, (byAction.get(call.action) ?? 0) + 1);
console.log(
  `AWS requests checked: ${report.calls.length} (${[...byAction].map(([a, n]) => `${a} ${n}`).join(', ')})`,
);
console.log(`Alerts published: ${report.alerts.length}`);
for (const failure of report.athena.failed)
  console.log(`Athena failed a statement of ${failure.execution}: ${failure.error}\n  ${failure.sql}`);
const playFailures = unmetExpectations(report);
for (const failure of playFailures) console.log(`✗ play: ${failure}`);
for (const error of report.definitionErrors) console.log(`✗ state machine definition: ${error}`);
for (const denial of report.denied) console.log(`✗ denied: ${denial.call.origin ?? ''} — ${denial.missing}`);
const ticketsPerDay = Number(flag('--tickets-per-day') ?? 10);
console.log(`\nMonthly cost estimate (AWS list prices, ${prices.region}, looked up ${prices.date}):`);
for (const volume of [300, 5000]) {
  const lines = monthlyCost(report, { rehearsalTicketsPerDay: ticketsPerDay, ticketsPerDay: volume });
  console.log(`  ${volume} tickets/day: $${lines.reduce((sum, l) => sum + l.usd, 0).toFixed(2)} a month`);
  for (const line of lines)
    console.log(
      `    ${line.item.padEnd(34)} ${Math.round(line.quantity).toLocaleString('en').padStart(12)} ${line.unit.padEnd(12)} $${line.usd.toFixed(2)}`,
    );
}
const failed = report.definitionErrors.length > 0 || report.denied.length > 0 || playFailures.length > 0;
console.log(failed ? '\nrehearsal FAILED' : '\nrehearsal passed: every play as expected, zero denied calls');
process.exit(failed ? 1 : 0);
