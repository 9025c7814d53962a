/**
 * Runs the simulator in its own process for the extraction benchmark, so the API server and the
 * extractor use separate cores as a remote API and the extractor would. Prints one JSON line with
 * the URLs and credentials, then serves until stdin closes.
 *
 *   node --import tsx bench/extract-simulator-process.ts '<simulator options as JSON>'
 */
import { startSimulator } from '#simulator/start-simulator.ts';

const sim = await startSimulator(JSON.parse(process.argv[2] ?? '{}'));
process.stdout.write(
  `${JSON.stringify({ zendeskUrl: sim.zendeskUrl, hubspotUrl: sim.hubspotUrl, credentials: sim.credentials })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void sim.close().then(() => process.exit(0));
});
