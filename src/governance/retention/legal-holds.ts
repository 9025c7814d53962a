import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { RelationCatalog } from '#src/governance/access/relation-catalog.ts';
import type { GovernanceConfig } from '#src/governance/governance-config.ts';
import { customerKey } from '#src/privacy/customer-key.ts';

/**
 * Everything a legal hold reaches: the held tickets and customers, and the ids that identify the
 * held customers in each source (user ids in the ticket desk, contact ids in the CRM), found in
 * any table that pairs them with a customer key.
 */
export interface HeldSet {
  readonly ticketIds: ReadonlySet<number>;
  readonly customerKeys: ReadonlySet<string>;
  readonly userIds: ReadonlySet<number>;
  readonly contactIds: ReadonlySet<string>;
  /** To recognise held customers by e-mail in raw API payloads. */
  readonly hmacKey?: string;
}

export const emptyHeldSet: HeldSet = {
  ticketIds: new Set(),
  customerKeys: new Set(),
  userIds: new Set(),
  contactIds: new Set(),
};

/** The held set the configured legal holds reach. */
export async function resolveLegalHolds(options: {
  readonly config: { readonly governance: GovernanceConfig };
  readonly engine: QueryEngine;
  readonly catalog: RelationCatalog;
  readonly hmacKey?: string;
}): Promise<HeldSet> {
  const customerKeys: string[] = [];
  const ticketIds: number[] = [];
  for (const hold of options.config.governance.legalHolds) {
    if ('customerKey' in hold) customerKeys.push(hold.customerKey);
    else ticketIds.push(hold.ticketId);
  }
  return resolveSubjects({ ...options, customerKeys, ticketIds });
}

/**
 * Everything that identifies these customers and tickets: user ids and contact ids paired with
 * the customer keys in any table, and the tickets those customers asked (by customer key or by
 * requester id). Used for legal holds and for a customer's compliance export.
 */
export async function resolveSubjects(options: {
  readonly engine: QueryEngine;
  readonly catalog: RelationCatalog;
  readonly customerKeys: readonly string[];
  readonly ticketIds?: readonly number[];
  readonly hmacKey?: string;
}): Promise<HeldSet> {
  const customerKeys = new Set(options.customerKeys);
  const ticketIds = new Set(options.ticketIds ?? []);
  const userIds = new Set<number>();
  const contactIds = new Set<string>();
  if (customerKeys.size > 0) {
    const keys = sqlList([...customerKeys]);
    const pairs = async (idColumn: string, into: (v: unknown) => void) => {
      for (const relation of options.catalog.values()) {
        if (!relation.columns.includes(idColumn) || !relation.columns.includes('customer_key')) continue;
        if (relation.name.endsWith('__new')) continue;
        const result = await options.engine.execute(
          `select distinct ${idColumn} as id from ${relation.name} where customer_key in (${keys}) and ${idColumn} is not null`,
        );
        for (const row of result.rows) into(row.id);
      }
    };
    await pairs('user_id', (v) => userIds.add(Number(v)));
    await pairs('requester_id', (v) => userIds.add(Number(v)));
    await pairs('contact_id', (v) => contactIds.add(String(v)));
    await pairs('ticket_id', (v) => ticketIds.add(Number(v)));
    if (userIds.size > 0) {
      const users = [...userIds].join(',');
      for (const relation of options.catalog.values()) {
        if (!relation.columns.includes('ticket_id') || !relation.columns.includes('requester_id')) continue;
        if (relation.name.endsWith('__new')) continue;
        const result = await options.engine.execute(
          `select distinct ticket_id as id from ${relation.name} where requester_id in (${users})`,
        );
        for (const row of result.rows) ticketIds.add(Number(row.id));
      }
    }
  }
  return { ticketIds, customerKeys, userIds, contactIds, hmacKey: options.hmacKey };
}

const TICKET_KEYS = new Set(['ticket_id', 'id']);
const USER_KEYS = new Set(['user_id', 'requester_id', 'submitter_id', 'author_id', 'id']);
const CONTACT_KEYS = new Set(['contact_id', 'hs_contact_id', 'hs_object_id', 'id']);

/**
 * Whether a JSON value (a landing row, a raw API record) mentions anything held: a held ticket id
 * or user id under an id key, a held contact id, a held customer key, or an e-mail whose customer
 * key is held. Errs towards yes: an `id` that happens to equal a held ticket id keeps the record.
 */
export function referencesHeld(value: unknown, held: HeldSet, key = ''): boolean {
  if (typeof value === 'number') {
    return (
      (TICKET_KEYS.has(key) && held.ticketIds.has(value)) || (USER_KEYS.has(key) && held.userIds.has(value))
    );
  }
  if (typeof value === 'string') {
    if (held.customerKeys.has(value)) return true;
    if (CONTACT_KEYS.has(key) && held.contactIds.has(value)) return true;
    if (/^\d+$/.test(value) && referencesHeld(Number(value), held, key)) return true;
    if (held.hmacKey && value.includes('@') && held.customerKeys.size > 0) {
      const k = customerKey(value, held.hmacKey);
      return k !== null && held.customerKeys.has(k);
    }
    return false;
  }
  if (Array.isArray(value)) return value.some((item) => referencesHeld(item, held, key));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => referencesHeld(v, held, k.toLowerCase()));
  return false;
}

export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',');
}

export function heldCount(held: HeldSet): number {
  return held.ticketIds.size + held.customerKeys.size;
}
