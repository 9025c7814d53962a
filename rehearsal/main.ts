import { monthlyCost, prices } from './cost-estimate.ts';
import { rehearse } from './rehearse.ts';

/**
 * `npm run rehearse`: synthesize the stack, validate the state machine, play the scenarios with the
 * real handlers on loopback, and check every AWS call against the stack's own policies.
 * `--athena-endpoint URL` plugs in a local Athena so the model steps run their handlers too.
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
  ...(athenaEndpoint ? { athenaEndpoint } : {}),
  log: (line) => console.log(line),
});

console.log('\nLambda invocations:');
for (const [handler, { count, seconds }] of Object.entries(report.invocations))
  console.log(`  ${handler}: ${count} (${seconds.toFixed(1)} s)`);
for (const [handler, count] of Object.entries(report.substituted))
  console.log(`  ${handler}: ${count} substituted (needs Athena: --athena-endpoint)`);
console.log(`State transitions: ${report.transitions}`);
const byAction = new Map<string, number>();
for (const call of report.calls) byAction.set(call.action, (byAction.get(call.action) ?? 0) + 1);
console.log(
  `AWS requests checked: ${report.calls.length} (${[...byAction].map(([a, n]) => `${a} ${n}`).join(', ')})`,
);
console.log(`Alerts published: ${report.alerts.length}`);
for (const error of report.definitionErrors) console.log(`✗ state machine definition: ${error}`);
for (const denial of report.denied) console.log(`✗ denied: ${denial.call.origin ?? ''} — ${denial.missing}`);
const ticketsPerDay = Number(flag('--tickets-per-day') ?? 10);
console.log(
  `\nMonthly cost estimate (prices ${prices.region}, ${prices.date}; Athena at its 10 MB-per-query floor):`,
);
for (const volume of [300, 5000]) {
  const lines = monthlyCost(report, { rehearsalTicketsPerDay: ticketsPerDay, ticketsPerDay: volume });
  console.log(`  ${volume} tickets/day: $${lines.reduce((sum, l) => sum + l.usd, 0).toFixed(2)} a month`);
  for (const line of lines)
    console.log(
      `    ${line.item.padEnd(34)} ${Math.round(line.quantity).toLocaleString('en').padStart(12)} ${line.unit.padEnd(12)} $${line.usd.toFixed(2)}`,
    );
}
const failed = report.definitionErrors.length > 0 || report.denied.length > 0;
console.log(failed ? '\nrehearsal FAILED' : '\nrehearsal passed: zero denied calls');
process.exit(failed ? 1 : 0);
