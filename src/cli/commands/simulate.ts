import type { Command } from 'commander';
import { exportWorld } from '#simulator/export-world.ts';
import type { SimulatorOptions } from '#simulator/simulator-config.ts';
import { createWorld, startSimulator } from '#simulator/start-simulator.ts';
import { UsageError } from '#src/cli/cli-errors.ts';
import { untilInterrupted } from '#src/cli/until-interrupted.ts';
import { loadConfig } from '#src/config/warehouse-config.ts';

interface SimulateFlags {
  seed?: string;
  startDate?: string;
  days?: string;
  ticketsPerDay?: string;
  realistic?: boolean;
  faults?: string;
  zendeskPort?: string;
  hubspotPort?: string;
  host?: string;
  export?: string;
}

/** Parses `--faults serverErrorRate=0.05,timeoutRate=0.01,...` into the faults section. */
export function parseFaults(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (!key || value === undefined || Number.isNaN(n))
      throw new UsageError(
        `--faults: "${part}" is not name=number (e.g. serverErrorRate=0.05,slowRate=0.1,malformedRate=0.01)`,
      );
    out[key] = n;
  }
  return out;
}

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

const what = `It models a crypto exchange's 24/7 support desk: channels chat, email, web, voice, telegram, discord,
twitter and api; languages en, ru, zh, es, ja, ko; groups L1 Frontline, L2 Specialists, L2 Payments,
L3 Engineering, L3 Security, VIP Desk (Mon-Fri 09:00-18:00 Europe/London) and Chat Bot; ticket
lives with replies, notes, pending/hold, reassignments, escalations, solves, reopens, merges and
deletions; market-crash days; CSAT ratings; CRM contacts with VIP tier, KYC level and last trade
history; NPS feedback submissions.`;

/** `warehouse simulate`: serve the bundled Zendesk- and HubSpot-compatible APIs, or export the world. */
export function register(program: Command): void {
  program
    .command('simulate')
    .description(
      'start the bundled ticket-desk (Zendesk-compatible) and CRM (HubSpot-compatible) APIs on loopback',
    )
    .option('--seed <n>', 'world seed (same seed, same world, byte for byte)')
    .option('--start-date <date>', 'first simulated day, YYYY-MM-DD')
    .option('--days <n>', 'days of history before "now"')
    .option('--tickets-per-day <n>', 'average tickets a day (crash days have 5-10x)')
    .option('--realistic', "enforce the vendors' documented rate limits (default: fast, no limits)")
    .option(
      '--faults <list>',
      'fault rates, e.g. serverErrorRate=0.05,timeoutRate=0.01,slowRate=0.1,malformedRate=0.01,duplicateRate=0.05,clockAdvanceSecondsPerRequest=30',
    )
    .option('--zendesk-port <n>', 'port of the ticket desk (0 = any free port)')
    .option('--hubspot-port <n>', 'port of the CRM (0 = any free port)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--export <dir>',
      "write the world's raw records (JSON lines per entity) to DIR instead of serving",
    )
    .addHelpText('after', `\n${what}`)
    .action(async (flags: SimulateFlags) => {
      const base = loadConfig(program.opts().config).simulator;
      const options: SimulatorOptions = {
        ...base,
        seed: intFlag('seed', flags.seed) ?? base.seed,
        startDate: flags.startDate ?? base.startDate,
        days: intFlag('days', flags.days) ?? base.days,
        ticketsPerDay: intFlag('tickets-per-day', flags.ticketsPerDay) ?? base.ticketsPerDay,
        fast: flags.realistic ? false : base.fast,
        faults: flags.faults ? { ...base.faults, ...parseFaults(flags.faults) } : base.faults,
        zendeskPort: intFlag('zendesk-port', flags.zendeskPort) ?? base.zendeskPort,
        hubspotPort: intFlag('hubspot-port', flags.hubspotPort) ?? base.hubspotPort,
        host: flags.host ?? base.host,
      };
      if (flags.export) {
        const { world, crm, truth, config } = createWorld(options);
        console.log(
          `simulate: exporting seed ${config.seed}, ${config.days} days from ${config.startDate}, ~${config.ticketsPerDay} tickets/day, as of ${world.clock.now().toISOString()} to ${flags.export}`,
        );
        const summary = await exportWorld(world, crm, truth, flags.export, (p) => {
          const rate = p.elapsedMs > 0 ? Math.round((p.records * 1000) / p.elapsedMs) : 0;
          process.stderr.write(
            `\r  ${p.stage}: ${p.done}/${p.total}  ${p.records} records  ${rate} records/s   `,
          );
        });
        process.stderr.write('\n');
        console.log(
          `simulate: wrote ${flags.export} in ${(summary.elapsedMs / 1000).toFixed(1)} s (as of ${summary.asOf})`,
        );
        for (const [name, count] of Object.entries(summary.counts))
          console.log(`  ${name.padEnd(22)} ${count}`);
        return;
      }
      const sim = await startSimulator(options);
      const c = sim.credentials;
      console.log(
        `Support KPI Warehouse simulator (seed ${sim.config.seed}, ${sim.config.days} days from ${sim.config.startDate}, ~${sim.config.ticketsPerDay} tickets/day, ${sim.config.fast ? 'fast: no rate limits' : 'realistic rate limits'})`,
      );
      console.log(`world clock (now): ${sim.clock.now().toISOString()}`);
      console.log('');
      console.log(`Ticket desk (Zendesk-compatible): ${sim.zendeskUrl}`);
      console.log(`  Basic auth: ${c.zendeskEmail}/token:${c.zendeskToken}   or   Bearer ${c.zendeskToken}`);
      console.log(
        `  e.g. curl -u '${c.zendeskEmail}/token:${c.zendeskToken}' '${sim.zendeskUrl}/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=2'`,
      );
      console.log(`CRM (HubSpot-compatible): ${sim.hubspotUrl}`);
      console.log(`  Bearer ${c.hubspotToken}`);
      console.log(
        `  e.g. curl -H 'authorization: Bearer ${c.hubspotToken}' -H 'content-type: application/json' -d '{"limit":2}' ${sim.hubspotUrl}/crm/v3/objects/contacts/search`,
      );
      console.log('');
      console.log(
        `export ZENDESK_EMAIL='${c.zendeskEmail}' ZENDESK_API_TOKEN='${c.zendeskToken}' HUBSPOT_ACCESS_TOKEN='${c.hubspotToken}'`,
      );
      console.log('');
      console.log(what);
      const faults = Object.entries(sim.config.faults).filter(([k, v]) => k !== 'slowMs' && v > 0);
      if (faults.length > 0) console.log(`faults: ${faults.map(([k, v]) => `${k}=${v}`).join(', ')}`);
      console.log('\nPress Ctrl-C to stop.');
      await untilInterrupted();
      await sim.close();
      const counts = sim.requestCounts();
      console.log(
        `\nsimulator stopped after ${counts.zendesk} ticket-desk and ${counts.hubspot} CRM requests`,
      );
    });
}
