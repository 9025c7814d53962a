import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSimulator } from '#simulator/start-simulator.ts';

/** Small worlds keep the suite fast; crash days off unless a test wants one. */
export const smallWorld = { seed: 11, days: 6, ticketsPerDay: 40, crashDayRate: 0 } as const;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function zendeskAuth(sim: RunningSimulator): string {
  const c = sim.credentials;
  return `Basic ${Buffer.from(`${c.zendeskEmail}/token:${c.zendeskToken}`).toString('base64')}`;
}

export async function zendeskGet(
  sim: RunningSimulator,
  pathOrUrl: string,
  auth = zendeskAuth(sim),
  signal?: AbortSignal,
): Promise<Answer> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.zendeskUrl}${pathOrUrl}`;
  return answer(await fetch(url, { headers: { authorization: auth }, signal }));
}

export async function hubspotPost(
  sim: RunningSimulator,
  path: string,
  body: unknown,
  token = sim.credentials.hubspotToken,
): Promise<Answer> {
  return answer(
    await fetch(`${sim.hubspotUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export async function hubspotGet(
  sim: RunningSimulator,
  path: string,
  token = sim.credentials.hubspotToken,
): Promise<Answer> {
  return answer(await fetch(`${sim.hubspotUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }));
}

export function fixture(name: string): any {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Differences between the documented example and our answer: every key of the example must be
 * present with the same JSON type (a null in the example matches anything). Arrays compare their
 * first elements.
 */
export function shapeDifferences(documented: unknown, actual: unknown, path = '$'): string[] {
  // Zendesk and HubSpot fields are nullable: a null on either side matches.
  if (documented === null || actual === null) return [];
  if (kind(documented) !== kind(actual))
    return [`${path}: documented ${kind(documented)}, got ${kind(actual)}`];
  if (Array.isArray(documented)) {
    if (documented.length === 0 || (actual as unknown[]).length === 0) return [];
    return shapeDifferences(documented[0], (actual as unknown[])[0], `${path}[0]`);
  }
  if (typeof documented === 'object') {
    const out: string[] = [];
    for (const [k, v] of Object.entries(documented as Record<string, unknown>)) {
      if (!(k in (actual as Record<string, unknown>))) out.push(`${path}.${k}: missing`);
      else out.push(...shapeDifferences(v, (actual as Record<string, unknown>)[k], `${path}.${k}`));
    }
    return out;
  }
  return [];
}

/** Walks the incremental ticket export from start_time=0 to the end of the stream. */
export async function walkTickets(
  sim: RunningSimulator,
  perPage = 1000,
): Promise<{ tickets: any[]; pages: number; lastCursor: string }> {
  let url = `/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=${perPage}`;
  const tickets: any[] = [];
  let pages = 0;
  for (;;) {
    const a = await zendeskGet(sim, url);
    if (a.status !== 200) throw new Error(`ticket export answered ${a.status}: ${a.text}`);
    pages++;
    tickets.push(...a.json.tickets);
    if (a.json.end_of_stream) return { tickets, pages, lastCursor: a.json.after_cursor };
    url = a.json.after_url;
  }
}
