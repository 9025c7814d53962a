import type { ApiDialect, ApiRequest, ApiResponse, RateLimitRule } from './api-server.ts';
import {
  type ContactState,
  type CrmWorld,
  type FeedbackSubmission,
  propertiesWithHistory,
} from './crm-world.ts';
import { maybeDuplicate, maybeMalformed } from './malformed-records.ts';
import type { SimulatedWorld } from './simulated-world.ts';
import type { SimulatorConfig } from './simulator-config.ts';
import { contactIdBase } from './world-people.ts';

const defaultContactProperties = [
  'createdate',
  'email',
  'firstname',
  'hs_object_id',
  'lastmodifieddate',
  'lastname',
];
/** The search API never returns more than 10,000 results for one query. */
export const searchResultCap = 10_000;

interface Filter {
  propertyName: string;
  operator: string;
  value?: unknown;
  highValue?: unknown;
  values?: unknown[];
}

/** Inputs of one batch read, and of one that asks for `propertiesWithHistory` (docs/SOURCE-LIMITS.md). */
export const batchReadMax = 100;
export const historyBatchReadMax = 50;

function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): ApiResponse {
  // correlationId is random in HubSpot; a fixed one keeps responses byte-identical across runs.
  return {
    status,
    body: {
      status: 'error',
      message,
      correlationId: '00000000-0000-4000-8000-000000000000',
      category,
      ...extra,
    },
  };
}

/** Compare a property value to a filter value: dates by epoch ms, numbers numerically, else text. */
function asComparable(property: string, value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (
    ['createdate', 'lastmodifieddate', 'last_trade_at', 'hs_lastmodifieddate', 'hs_createdate'].includes(
      property,
    )
  ) {
    if (typeof value === 'number') return value;
    const text = String(value);
    if (/^\d+$/.test(text)) return Number(text);
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  if (property === 'hs_object_id') return Number(value);
  return String(value);
}

function matches(filter: Filter, actual: number | string | null): boolean {
  const v = asComparable(filter.propertyName, filter.value);
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return actual !== null;
    case 'NOT_HAS_PROPERTY':
      return actual === null;
    case 'EQ':
      return actual !== null && actual === v;
    case 'NEQ':
      return actual !== v;
    case 'GT':
      return actual !== null && v !== null && actual > v;
    case 'GTE':
      return actual !== null && v !== null && actual >= v;
    case 'LT':
      return actual !== null && v !== null && actual < v;
    case 'LTE':
      return actual !== null && v !== null && actual <= v;
    case 'BETWEEN': {
      const hi = asComparable(filter.propertyName, filter.highValue);
      return actual !== null && v !== null && hi !== null && actual >= v && actual <= hi;
    }
    case 'IN':
      return (filter.values ?? []).some((x) => asComparable(filter.propertyName, x) === actual);
    default:
      return false;
  }
}

const supportedOperators = new Set([
  'EQ',
  'NEQ',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'BETWEEN',
  'IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
]);

/** The HubSpot-compatible CRM API over the simulated world. */
export class HubspotApi implements ApiDialect {
  readonly name = 'hubspot' as const;
  base = '';

  constructor(
    private readonly world: SimulatedWorld,
    private readonly crm: CrmWorld,
    private readonly config: SimulatorConfig,
  ) {}

  authenticate(req: ApiRequest): boolean {
    return req.headers.authorization === `Bearer ${this.config.credentials.hubspotToken}`;
  }

  unauthorized(): ApiResponse {
    return hubspotError(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  }

  rateLimits(req: ApiRequest): readonly RateLimitRule[] {
    const l = this.config.rateLimits;
    const rules: RateLimitRule[] = [{ bucket: 'hubspot', limit: l.hubspotPer10s, windowMs: 10_000 }];
    if (req.path.endsWith('/search'))
      rules.push({ bucket: 'hubspot-search', limit: l.hubspotSearchPerSecond, windowMs: 1000 });
    return rules;
  }

  rateLimited(rule: RateLimitRule, retryAfterS: number): ApiResponse {
    const secondly = rule.windowMs === 1000;
    return {
      ...hubspotError(
        429,
        'RATE_LIMITS',
        secondly
          ? 'You have reached your secondly limit.'
          : 'You have reached your ten_secondly_rolling limit.',
        {
          errorType: 'RATE_LIMIT',
          policyName: secondly ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING',
        },
      ),
      headers: { 'retry-after': String(retryAfterS) },
    };
  }

  serverError(status: number): ApiResponse {
    return hubspotError(status, 'INTERNAL_ERROR', 'internal error');
  }

  notFound(req: ApiRequest): ApiResponse {
    return hubspotError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`);
  }

  route(req: ApiRequest): ApiResponse | null {
    if (req.body === Symbol.for('invalid-json'))
      return hubspotError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1');
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts/search') return this.search(req.body);
    if (req.method === 'POST' && req.path === '/crm/v3/objects/contacts/batch/read')
      return this.batchRead(req.body);
    if (req.method === 'GET' && req.path === '/crm/v3/objects/feedback_submissions')
      return this.feedback(req.query);
    return null;
  }

  private renderContact(
    c: ContactState,
    properties: readonly string[],
    withHistory: readonly string[] = [],
  ): Record<string, unknown> {
    const props: Record<string, string | null> = {};
    for (const p of properties.length > 0 ? properties : defaultContactProperties)
      props[p] = c.properties[p] ?? null;
    props.createdate = c.properties.createdate ?? null;
    props.hs_object_id = c.properties.hs_object_id ?? null;
    props.lastmodifieddate = c.properties.lastmodifieddate ?? null;
    const record: Record<string, unknown> = {
      id: String(c.id),
      properties: props,
      createdAt: new Date(c.createdMs).toISOString(),
      updatedAt: new Date(c.updatedMs).toISOString(),
      archived: false,
    };
    if (withHistory.length > 0) {
      record.propertiesWithHistory = propertiesWithHistory(c, withHistory);
    }
    return maybeMalformed(this.config, 'contacts', c.id, record);
  }

  private search(body: unknown): ApiResponse {
    const b = (body ?? {}) as {
      filterGroups?: { filters?: Filter[] }[];
      sorts?: ({ propertyName?: string; direction?: string } | string)[];
      properties?: string[];
      limit?: number;
      after?: string | number;
      query?: unknown;
    };
    const limit = b.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `limit must be between 1 and 200 (got ${String(b.limit)})`,
      );
    const after = b.after === undefined || b.after === null || b.after === '' ? 0 : Number(b.after);
    if (!Number.isInteger(after) || after < 0)
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `after must be a non-negative integer offset (got ${String(b.after)})`,
      );
    if (after >= searchResultCap)
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `There was a problem with the request. The search endpoints are limited to ${searchResultCap} total results for any given query; narrow the filters (for example on lastmodifieddate and hs_object_id) to page further.`,
      );
    // Documented since 2024-08-26: 5 filter groups, 10 filters per group, 25 in all; query ≤ 3,000 characters.
    const groups = b.filterGroups ?? [];
    if (groups.length > 5) return hubspotError(400, 'VALIDATION_ERROR', 'At most 5 filterGroups are allowed');
    if (groups.some((g) => (g.filters ?? []).length > 10))
      return hubspotError(400, 'VALIDATION_ERROR', 'At most 10 filters are allowed in a filterGroup');
    if (groups.reduce((n, g) => n + (g.filters ?? []).length, 0) > 25)
      return hubspotError(400, 'VALIDATION_ERROR', 'At most 25 filters are allowed across all filterGroups');
    if (typeof b.query === 'string' && b.query.length > 3000)
      return hubspotError(400, 'VALIDATION_ERROR', 'query must be at most 3000 characters');
    for (const g of groups) {
      for (const f of g.filters ?? []) {
        if (!supportedOperators.has(f.operator))
          return hubspotError(400, 'VALIDATION_ERROR', `Unsupported operator ${f.operator}`);
      }
    }
    const sorts = b.sorts ?? [];
    if (sorts.length > 1) return hubspotError(400, 'VALIDATION_ERROR', 'Only one sort is supported');
    const sort = sorts[0];
    const sortProp = typeof sort === 'string' ? sort : (sort?.propertyName ?? 'hs_object_id');
    const descending = typeof sort === 'object' && sort?.direction === 'DESCENDING';
    if (!['lastmodifieddate', 'hs_object_id', 'createdate'].includes(sortProp))
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `Sorting by ${sortProp} is not supported by the simulator; sort by lastmodifieddate, createdate or hs_object_id`,
      );

    const nowMs = this.world.clock.nowMs();
    const table = this.crm.modifiedTable(nowMs);
    const fast = new Set(['lastmodifieddate', 'hs_object_id', 'createdate']);
    const selected: number[] = [];
    for (let i = 0; i < table.ids.length; i++) {
      const id = table.ids[i] as number;
      const value = (p: string): number | string | null => {
        if (p === 'lastmodifieddate') return table.modified[i] as number;
        if (p === 'createdate') return table.created[i] as number;
        if (p === 'hs_object_id') return id;
        const c = this.crm.contact(id - contactIdBase, nowMs);
        return asComparable(p, c?.properties[p] ?? null);
      };
      const ok =
        groups.length === 0 ||
        groups.some((g) =>
          (g.filters ?? []).every((f) =>
            matches(f, fast.has(f.propertyName) ? value(f.propertyName) : value(f.propertyName)),
          ),
        );
      if (ok) selected.push(i);
    }
    const key = (i: number): number =>
      sortProp === 'lastmodifieddate'
        ? (table.modified[i] as number)
        : sortProp === 'createdate'
          ? (table.created[i] as number)
          : (table.ids[i] as number);
    selected.sort(
      (x, y) =>
        (descending ? key(y) - key(x) : key(x) - key(y)) ||
        (table.ids[x] as number) - (table.ids[y] as number),
    );
    const page = selected.slice(after, after + limit);
    const results = page.map((i) =>
      this.renderContact(
        this.crm.contact((table.ids[i] as number) - contactIdBase, nowMs) as ContactState,
        b.properties ?? [],
      ),
    );
    const next = after + limit < selected.length ? { next: { after: String(after + limit) } } : {};
    return {
      status: 200,
      body: {
        total: selected.length,
        results: maybeDuplicate(this.config, results, `search:${JSON.stringify(b)}`),
        paging: next,
      },
    };
  }

  private batchRead(body: unknown): ApiResponse {
    const b = (body ?? {}) as {
      inputs?: { id?: string | number }[];
      properties?: string[];
      propertiesWithHistory?: string[];
      idProperty?: string;
    };
    const inputs = b.inputs ?? [];
    if (!Array.isArray(inputs) || inputs.length === 0)
      return hubspotError(400, 'VALIDATION_ERROR', 'inputs must be a non-empty array of {id}');
    // HubSpot's documented batch limits: 100 inputs, 50 when property histories are asked for.
    if ((b.propertiesWithHistory ?? []).length > 0 && inputs.length > historyBatchReadMax)
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `The maximum number of inputs supported in a batch request for property histories is ${historyBatchReadMax}. Please reduce the number of items and try again`,
      );
    if (inputs.length > batchReadMax)
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `Batch read accepts at most ${batchReadMax} inputs (got ${inputs.length})`,
      );
    if (b.idProperty && b.idProperty !== 'hs_object_id')
      return hubspotError(400, 'VALIDATION_ERROR', 'The simulator reads contacts by id only');
    const nowMs = this.world.clock.nowMs();
    const started = new Date(nowMs).toISOString();
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const input of inputs) {
      const id = String(input.id ?? '');
      if (seen.has(id)) continue;
      seen.add(id);
      const c = /^\d+$/.test(id) ? this.crm.contact(Number(id) - contactIdBase, nowMs) : null;
      if (c) results.push(this.renderContact(c, b.properties ?? [], b.propertiesWithHistory ?? []));
      else missing.push(id);
    }
    const bodyOut: Record<string, unknown> = {
      status: 'COMPLETE',
      results,
      startedAt: started,
      completedAt: started,
    };
    if (missing.length > 0) {
      bodyOut.numErrors = 1;
      bodyOut.errors = [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message:
            'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
          context: { ids: missing },
        },
      ];
    }
    return { status: missing.length > 0 ? 207 : 200, body: bodyOut };
  }

  private renderFeedback(f: FeedbackSubmission, properties: readonly string[]): Record<string, unknown> {
    const iso = new Date(f.submittedMs).toISOString();
    const all: Record<string, string> = {
      hs_createdate: iso,
      hs_lastmodifieddate: iso,
      hs_object_id: String(f.id),
      hs_survey_type: 'NPS',
      hs_survey_name: 'Relationship NPS',
      hs_survey_channel: 'EMAIL',
      hs_response_value: String(f.score),
      hs_sentiment: f.score >= 9 ? 'Promoter' : f.score >= 7 ? 'Passive' : 'Detractor',
      hs_submission_timestamp: iso,
      hs_contact_id: String(f.contactId),
    };
    const wanted =
      properties.length > 0 ? properties : ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'];
    const props: Record<string, string | null> = {};
    for (const p of wanted) props[p] = all[p] ?? null;
    props.hs_createdate = iso;
    props.hs_lastmodifieddate = iso;
    props.hs_object_id = String(f.id);
    return maybeMalformed(this.config, 'feedback_submissions', f.id, {
      id: String(f.id),
      properties: props,
      createdAt: iso,
      updatedAt: iso,
      archived: false,
    });
  }

  private feedback(q: URLSearchParams): ApiResponse {
    const limit = q.get('limit') === null ? 10 : Number(q.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return hubspotError(400, 'VALIDATION_ERROR', 'limit must be between 1 and 100');
    const afterRaw = q.get('after');
    const after = afterRaw === null || afterRaw === '' ? 0 : Number(afterRaw);
    if (!Number.isInteger(after))
      return hubspotError(
        400,
        'VALIDATION_ERROR',
        `after must be an id returned in paging.next.after (got ${afterRaw})`,
      );
    const properties = q
      .getAll('properties')
      .flatMap((p) => p.split(','))
      .filter((p) => p.length > 0);
    const nowMs = this.world.clock.nowMs();
    const items = this.crm.feedbackAfter(after, nowMs, limit + 1);
    const page = items.slice(0, limit);
    const results = page.map((f) => this.renderFeedback(f, properties));
    const last = page[page.length - 1];
    const paging =
      items.length > limit && last
        ? {
            next: {
              after: String(last.id),
              link: `${this.base}/crm/v3/objects/feedback_submissions?after=${last.id}&limit=${limit}`,
            },
          }
        : {};
    return {
      status: 200,
      body: { results: maybeDuplicate(this.config, results, `feedback:${after}:${limit}`), paging },
    };
  }
}
