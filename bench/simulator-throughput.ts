/**
 * How fast the simulator serves in fast mode, and how much memory a 24-month world at 5,000
 * tickets a day needs. Walks the incremental ticket export and the ticket events of sample windows
 * far apart in the world and prints tickets/s (with their events) and RSS after each window.
 *
 *   npx tsx bench/simulator-throughput.ts [--tickets-per-day 5000] [--days 730] [--pages 10] [--windows 60,400,700]
 */
import { parseArgs } from 'node:util';
import { startSimulator } from '#simulator/start-simulator.ts';

const { values } = parseArgs({
  options: {
    'tickets-per-day': { type: 'string', default: '5000' },
    days: { type: 'string', default: '730' },
    pages: { type: 'string', default: '10' },
    windows: { type: 'string', default: '60,400,700' },
  },
});
const ticketsPerDay = Number(values['tickets-per-day']);
const days = Number(values.days);
const pages = Number(values.pages);
const windows = String(values.windows).split(',').map(Number);

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const sim = await startSimulator({ seed: 1, startDate: '2025-01-01', days, ticketsPerDay, fast: true });
const auth = `Basic ${Buffer.from(`${sim.credentials.zendeskEmail}/token:${sim.credentials.zendeskToken}`).toString('base64')}`;
const get = async (url: string): Promise<any> => {
  const res = await fetch(url.startsWith('http') ? url : `${sim.zendeskUrl}${url}`, {
    headers: { authorization: auth },
  });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
};
console.log(
  `world: ${days} days at ~${ticketsPerDay} tickets/day (about ${((days * ticketsPerDay) / 1e6).toFixed(2)} M tickets), fast mode, server and client in one process`,
);
console.log(
  `walking ${pages} pages of 1,000 tickets and the ticket events of the same span, in windows starting on days ${windows.join(', ')}`,
);
let peak = 0;
let totalTickets = 0;
let totalEvents = 0;
let totalMs = 0;
for (const day of windows) {
  const start = Date.parse('2025-01-01T00:00:00Z') / 1000 + day * 86400;
  const warm = Date.now();
  let page = await get(`/api/v2/incremental/tickets/cursor.json?start_time=${start}&per_page=1`);
  const warmMs = Date.now() - warm;
  const t0 = Date.now();
  let tickets = 0;
  let lastTs = start;
  let url = `/api/v2/incremental/tickets/cursor.json?start_time=${start}`;
  for (let p = 0; p < pages; p++) {
    page = await get(url);
    tickets += page.tickets.length;
    lastTs = page.tickets[page.tickets.length - 1]?.generated_timestamp ?? lastTs;
    if (page.end_of_stream) break;
    url = page.after_url;
  }
  let events = 0;
  let eurl = `/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`;
  for (;;) {
    const e = await get(eurl);
    events += e.count;
    if (process.env.BENCH_DEBUG)
      console.log(`  events page: ${e.count} end_time ${e.end_time} (target ${lastTs})`);
    if (e.end_of_stream || e.end_time >= lastTs) break;
    eurl = e.next_page;
  }
  const ms = Date.now() - t0;
  totalTickets += tickets;
  totalEvents += events;
  totalMs += ms;
  const rss = process.memoryUsage().rss;
  peak = Math.max(peak, rss);
  console.log(
    `day ${String(day).padStart(3)}: first page ${(warmMs / 1000).toFixed(1)} s (indexing ${70} days of look-back), then ${tickets} tickets + ${events} events in ${(ms / 1000).toFixed(1)} s = ${Math.round((tickets * 1000) / ms)} tickets/s with their events; RSS ${mb(rss)}`,
  );
}
await sim.close();
const maxRss = process.resourceUsage().maxRSS * 1024;
console.log(
  `overall: ${Math.round((totalTickets * 1000) / totalMs)} tickets/s with ${Math.round((totalEvents * 1000) / totalMs)} events/s; peak RSS ${mb(Math.max(peak, maxRss))}`,
);
