import { type LandingStream, landingPrefix, landingStreams } from '#src/landing/landing-schemas.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { type DamagedFile, quarantineDamaged, readJsonLines, writeJsonLines } from './json-lines-file.ts';
import { type HeldSet, referencesHeld } from './legal-holds.ts';
import { asDate } from './record-date.ts';
import { partitionEnd } from './retention-window.ts';

/** The cut-offs retention applies this run (each: data older than this is past its window). */
export interface RetentionCutoffs {
  /** Tickets (and everything about them) created before this are past the facts window. */
  readonly tickets: Date;
  /** Per landing table (`landing_zendesk__comment_texts`), from its class and overrides. */
  readonly stream: (
    table: string,
    stream: LandingStream,
  ) => { readonly cutoff: Date; readonly months: number };
}

export interface LandingStreamResult {
  readonly table: string;
  readonly prefix: string;
  readonly cutoff: Date;
  readonly windowMonths: number;
  readonly filesDeleted: number;
  readonly filesRewritten: number;
  readonly rowsRemoved: number;
  readonly rowsKeptForHold: number;
}

export interface LandingResult {
  readonly streams: readonly LandingStreamResult[];
  readonly damaged: readonly DamagedFile[];
  /** Tickets past the facts window (held ones too: each layer keeps what a hold covers). */
  readonly expiredTickets: ReadonlySet<number>;
  /** Users a retained row refers to (requesters, assignees, authors, updaters) or that are staff. */
  readonly retainedUsers: ReadonlySet<number>;
  /** Customers with a retained user row or survey response: their CRM rows stay. */
  readonly retainedCustomers: ReadonlySet<string>;
}

/**
 * Pseudonymous dimension streams retention keeps whatever their age: new tickets of a returning
 * customer refer to them and the sources send a record again only when it changes.
 */
export const KEPT_DIMENSION_STREAMS: readonly string[] = ['users', 'groups', 'contacts', 'contact_snapshots'];

/** Streams whose rows hang off a ticket: they go with it. */
const TICKET_SCOPED = new Set([
  'ticket_texts',
  'ticket_events',
  'comments',
  'comment_texts',
  'satisfaction_ratings',
  'satisfaction_comments',
  'comment_sentiment',
]);
const USER_REFERENCES = ['requester_id', 'submitter_id', 'assignee_id', 'updater_id', 'author_id'];
/** Processing order: tickets first (creation dates), facts before the dimensions they refer to. */
const ORDER = [
  'zendesk/tickets',
  'zendesk/ticket_texts',
  'zendesk/ticket_events',
  'zendesk/comments',
  'zendesk/comment_texts',
  'zendesk/satisfaction_ratings',
  'zendesk/satisfaction_comments',
  'nlp/comment_sentiment',
  'hubspot/survey_responses',
  'zendesk/users',
  'zendesk/user_pii',
  'hubspot/contacts',
  'hubspot/contact_pii',
  'hubspot/contact_snapshots',
  'zendesk/groups',
];

/**
 * Landing rows judged by the business date of each row, whatever `dt=` folder holds them: a ticket
 * by its creation, what hangs off a ticket (events, comments, texts, ratings, sentiment) with its
 * ticket, message text also by its own 12-month window, survey responses by submission. Pseudonymous
 * dimensions (users, groups, CRM contacts and their history) are kept: new tickets of a returning
 * customer need them and the sources do not send them again. Personal data (`user_pii`,
 * `contact_pii`) stays while a retained row refers to its person or it changed within the window. A file
 * is rewritten without its expired rows, or deleted when none is left; a file that cannot be read
 * is named and moved to `quarantine/damaged/`, and the run goes on.
 *
 * `curatedExpiredTickets` adds tickets whose landing rows are already gone but whose curated rows
 * remain (so landing and curated always drop the same tickets).
 */
export async function expireLanding(input: {
  readonly store: ObjectStore;
  readonly cutoffs: RetentionCutoffs;
  readonly held: HeldSet;
  readonly dryRun: boolean;
  readonly curatedExpiredTickets: ReadonlySet<number>;
}): Promise<LandingResult> {
  const { store, cutoffs, held, dryRun } = input;
  const streams = Object.values(landingStreams as Record<string, LandingStream>);
  const ordered = [
    ...ORDER.map((name) => streams.find((s) => `${s.source}/${s.stream}` === name)).filter(
      (s): s is LandingStream => s !== undefined,
    ),
    ...streams.filter((s) => !ORDER.includes(`${s.source}/${s.stream}`)),
  ];
  const ticketCreated = new Map<number, Date>();
  const expiredTickets = new Set<number>(input.curatedExpiredTickets);
  const retainedUsers = new Set<number>(held.userIds);
  const retainedCustomers = new Set<string>(held.customerKeys);
  const damaged: DamagedFile[] = [];
  const results: LandingStreamResult[] = [];

  // Ticket creation dates first, from every version of every ticket row.
  const tickets = ordered[0]!;
  const files = new Map<LandingStream, string[]>();
  for (const stream of ordered) {
    const keys: string[] = [];
    for await (const o of store.list(landingPrefix(stream)))
      if (o.key.endsWith('.jsonl.gz') || o.key.endsWith('.jsonl')) keys.push(o.key);
    files.set(stream, keys.sort());
  }
  const readable = new Map<string, unknown[]>();
  for (const key of files.get(tickets) ?? []) {
    const read = await readJsonLines(store, key);
    if (!read) continue;
    if ('damaged' in read) {
      damaged.push(await quarantineDamaged(store, key, read.damaged, dryRun));
      continue;
    }
    readable.set(key, read.records);
    for (const row of read.records as Record<string, unknown>[]) {
      const created = asDate(row.created_at);
      const id = Number(row.ticket_id);
      if (created && Number.isFinite(id)) ticketCreated.set(id, created);
    }
  }
  for (const [id, created] of ticketCreated) if (created < cutoffs.tickets) expiredTickets.add(id);

  for (const stream of ordered) {
    const table = `landing_${stream.source}__${stream.stream}`;
    const { cutoff, months: windowMonths } = cutoffs.stream(table, stream);
    const textDate = (row: Record<string, unknown>) =>
      asDate(row.created_at) ?? ticketCreated.get(Number(row.ticket_id)) ?? asDate(row.updated_at);
    const result = {
      table,
      prefix: landingPrefix(stream),
      cutoff,
      windowMonths,
      filesDeleted: 0,
      filesRewritten: 0,
      rowsRemoved: 0,
      rowsKeptForHold: 0,
    };
    for (const key of files.get(stream) ?? []) {
      let rows = readable.get(key) as Record<string, unknown>[] | undefined;
      if (!rows) {
        const read = await readJsonLines(store, key);
        if (!read) continue;
        if ('damaged' in read) {
          damaged.push(await quarantineDamaged(store, key, read.damaged, dryRun));
          continue;
        }
        rows = read.records as Record<string, unknown>[];
      }
      const extracted = partitionEnd(key);
      const expired = (row: Record<string, unknown>): boolean => {
        const id = Number(row.ticket_id);
        switch (stream.stream) {
          case 'tickets':
            return expiredTickets.has(id);
          case 'survey_responses':
            return (asDate(row.submitted_at) ?? asDate(row.updated_at) ?? extracted ?? cutoff) < cutoff;
          case 'users':
          case 'groups':
          case 'contacts':
          case 'contact_snapshots':
            // KEPT_DIMENSION_STREAMS: pseudonymous (customer key, tier, locale), needed by new tickets.
            return false;
          case 'user_pii':
            if (retainedUsers.has(Number(row.user_id))) return false;
            return (asDate(row.updated_at) ?? extracted ?? cutoff) < cutoff;
          case 'contact_pii':
            if (typeof row.customer_key === 'string' && retainedCustomers.has(row.customer_key)) return false;
            return (asDate(row.updated_at) ?? extracted ?? cutoff) < cutoff;
          default:
            if (TICKET_SCOPED.has(stream.stream) && expiredTickets.has(id)) return true;
            if (stream.retention === 'text') return (textDate(row) ?? extracted ?? cutoff) < cutoff;
            return (asDate(row.created_at) ?? ticketCreated.get(id) ?? extracted ?? cutoff) < cutoff;
        }
      };
      const kept: Record<string, unknown>[] = [];
      for (const row of rows) {
        if (!expired(row)) kept.push(row);
        else if (referencesHeld(row, held)) {
          kept.push(row);
          result.rowsKeptForHold += 1;
        } else result.rowsRemoved += 1;
      }
      // What a retained row refers to stays: users, and customers (for their CRM rows).
      for (const row of kept) {
        for (const column of USER_REFERENCES) {
          const id = row[column];
          if (typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)))
            retainedUsers.add(Number(id));
        }
        // A customer whose user a retained row refers to keeps their CRM personal data.
        if (
          stream.stream === 'users' &&
          retainedUsers.has(Number(row.user_id)) &&
          typeof row.customer_key === 'string'
        )
          retainedCustomers.add(row.customer_key);
        if (stream.stream === 'survey_responses' && typeof row.customer_key === 'string')
          retainedCustomers.add(row.customer_key);
      }
      if (kept.length === rows.length) continue;
      if (kept.length === 0) {
        result.filesDeleted += 1;
        if (!dryRun) await store.delete([key]);
      } else {
        result.filesRewritten += 1;
        if (!dryRun) await writeJsonLines(store, key, kept);
      }
    }
    results.push(result);
  }
  return { streams: results, damaged, expiredTickets, retainedUsers, retainedCustomers };
}
