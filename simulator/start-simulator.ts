import * as z from 'zod';
import { startApiServer } from './api-server.ts';
import { CrmWorld } from './crm-world.ts';
import { GroundTruth } from './ground-truth.ts';
import { HubspotApi } from './hubspot-api.ts';
import { SimulatedWorld } from './simulated-world.ts';
import { type SimulatorConfig, type SimulatorOptions, simulatorConfigSchema } from './simulator-config.ts';
import type { WorldClock } from './world-clock.ts';
import { ZendeskApi } from './zendesk-api.ts';

export interface RunningSimulator {
  /** Base URL of the Zendesk-compatible ticket desk, e.g. http://127.0.0.1:40123 */
  readonly zendeskUrl: string;
  /** Base URL of the HubSpot-compatible CRM. */
  readonly hubspotUrl: string;
  readonly credentials: {
    readonly zendeskEmail: string;
    readonly zendeskToken: string;
    readonly hubspotToken: string;
  };
  readonly truth: GroundTruth;
  readonly clock: WorldClock;
  readonly world: SimulatedWorld;
  readonly crm: CrmWorld;
  readonly config: SimulatorConfig;
  /** Requests served so far, per API (faulty answers included). */
  requestCounts(): { zendesk: number; hubspot: number };
  close(): Promise<void>;
}

/** Invalid simulator options: nothing was started. */
export class SimulatorOptionsError extends Error {
  override readonly name = 'SimulatorOptionsError';
}

/** Builds the world without serving it (the export and the benchmarks use this directly). */
export function createWorld(options: SimulatorOptions | SimulatorConfig = {}): {
  config: SimulatorConfig;
  world: SimulatedWorld;
  crm: CrmWorld;
  truth: GroundTruth;
} {
  const parsed = simulatorConfigSchema.safeParse(options);
  if (!parsed.success) {
    throw new SimulatorOptionsError(
      `Invalid simulator options: ${z.prettifyError(parsed.error)}\nFix these options (see simulator/simulator-config.ts) and start again.`,
    );
  }
  const config = parsed.data;
  const world = new SimulatedWorld(config);
  const crm = new CrmWorld(world);
  return { config, world, crm, truth: new GroundTruth(world, crm) };
}

/** Starts both APIs on loopback over one deterministic world. */
export async function startSimulator(
  options: SimulatorOptions | SimulatorConfig = {},
): Promise<RunningSimulator> {
  const { config, world, crm, truth } = createWorld(options);
  const zendesk = new ZendeskApi(world, config);
  const hubspot = new HubspotApi(world, crm, config);
  const zendeskServer = await startApiServer(zendesk, config, world.clock, config.zendeskPort);
  let hubspotServer: Awaited<ReturnType<typeof startApiServer>>;
  try {
    hubspotServer = await startApiServer(hubspot, config, world.clock, config.hubspotPort);
  } catch (error) {
    await zendeskServer.close();
    throw error;
  }
  zendesk.base = zendeskServer.url;
  hubspot.base = hubspotServer.url;
  return {
    zendeskUrl: zendeskServer.url,
    hubspotUrl: hubspotServer.url,
    credentials: { ...config.credentials },
    truth,
    clock: world.clock,
    world,
    crm,
    config,
    requestCounts: () => ({ zendesk: zendeskServer.requestCount(), hubspot: hubspotServer.requestCount() }),
    close: async () => {
      await Promise.all([zendeskServer.close(), hubspotServer.close()]);
    },
  };
}
