import type { ApiDialect, ApiRequest, ApiResponse } from './api-server.ts';
import { maybeDuplicate, maybeMalformed } from './malformed-records.ts';
import type { SimulatedWorld } from './simulated-world.ts';
import type { SimulatorConfig } from './simulator-config.ts';
import { groups } from './world-catalog.ts';
import { customerIdBase } from './world-people.ts';
import {
  renderCustomerUser,
  renderGroup,
  renderRating,
  renderStaffUser,
  renderTicket,
  renderTicketEvent,
} from './zendesk-records.ts';

/** Zendesk encodes a position as opaque base64 text; ours reads `<ts>.0||<id>|`. */
export function encodeCursor(ts: number, id: number): string {
  return Buffer.from(`${ts}.0||${id}|`).toString('base64');
}

export function decodeCursor(cursor: string): { ts: number; id: number } | null {
  const m = /^(\d+)\.0\|\|(-?\d+)\|$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? { ts: Number(m[1]), id: Number(m[2]) } : null;
}

function error(status: number, error: string, description: string): ApiResponse {
  return { status, body: { error, description } };
}

function intParam(q: URLSearchParams, name: string): number | null | 'invalid' {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  return /^-?\d+$/.test(raw) ? Number(raw) : 'invalid';
}

/** The Zendesk-compatible ticket desk API over a simulated world. */
export class ZendeskApi implements ApiDialect {
  readonly name = 'zendesk' as const;
  base = '';

  constructor(
    private readonly world: SimulatedWorld,
    private readonly config: SimulatorConfig,
  ) {}

  authenticate(req: ApiRequest): boolean {
    const header = req.headers.authorization ?? '';
    const { zendeskEmail, zendeskToken } = this.config.credentials;
    if (header.startsWith('Bearer ')) return header.slice(7) === zendeskToken;
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      return decoded === `${zendeskEmail}/token:${zendeskToken}`;
    }
    return false;
  }

  unauthorized(): ApiResponse {
    return {
      status: 401,
      body: { error: "Couldn't authenticate you" },
      headers: { 'www-authenticate': 'Basic realm="Web Password"' },
    };
  }

  rateLimits(req: ApiRequest) {
    const limits = this.config.rateLimits;
    const general = { bucket: 'zendesk', limit: limits.zendeskPerMinute, windowMs: 60_000 };
    return req.path.startsWith('/api/v2/incremental/')
      ? [
          general,
          { bucket: 'zendesk-incremental', limit: limits.zendeskIncrementalPerMinute, windowMs: 60_000 },
        ]
      : [general];
  }

  rateLimited(_rule: unknown, retryAfterS: number): ApiResponse {
    return {
      status: 429,
      body: {
        error: 'APIRateLimitExceeded',
        description: 'Number of allowed API requests per minute exceeded',
      },
      headers: { 'retry-after': String(retryAfterS) },
    };
  }

  serverError(status: number): ApiResponse {
    return status === 503
      ? {
          status,
          body: { error: 'ServiceUnavailable', description: 'Service temporarily unavailable, retry later' },
          headers: { 'retry-after': '1' },
        }
      : {
          status,
          body: { error: 'InternalError', description: 'Something went wrong on our side, please retry' },
        };
  }

  notFound(req: ApiRequest): ApiResponse {
    return error(404, 'RecordNotFound', `Not found: ${req.method} ${req.path}`);
  }

  route(req: ApiRequest): ApiResponse | null {
    if (req.method !== 'GET') return null;
    switch (req.path) {
      case '/api/v2/incremental/tickets/cursor.json':
      case '/api/v2/incremental/tickets/cursor':
        return this.ticketsCursor(req.query);
      case '/api/v2/incremental/ticket_events.json':
      case '/api/v2/incremental/ticket_events':
        return this.ticketEvents(req.query);
      case '/api/v2/incremental/users/cursor.json':
      case '/api/v2/incremental/users/cursor':
        return this.usersCursor(req.query);
      case '/api/v2/groups.json':
      case '/api/v2/groups':
        return this.groups(req.query);
      case '/api/v2/satisfaction_ratings.json':
      case '/api/v2/satisfaction_ratings':
        return this.ratings(req.query);
      default:
        return null;
    }
  }

  /** Start of an incremental export: start_time or cursor, never within the last minute. */
  private exportStart(q: URLSearchParams, now: number): { ts: number; id: number } | ApiResponse {
    const cursor = q.get('cursor');
    if (cursor) {
      const decoded = decodeCursor(cursor);
      return (
        decoded ??
        error(
          400,
          'InvalidCursor',
          'The cursor is not valid; pass the after_cursor of a previous page unchanged',
        )
      );
    }
    const start = intParam(q, 'start_time');
    if (start === null || start === 'invalid')
      return error(400, 'InvalidPaginationParameter', 'start_time (unix seconds) or cursor is required');
    if (start > now - 60)
      return error(400, 'InvalidValue', 'Too recent start_time. Use a start_time older than 1 minute');
    return { ts: start, id: -1 };
  }

  private perPage(q: URLSearchParams, max = 1000): number | ApiResponse {
    const p = intParam(q, 'per_page');
    if (p === 'invalid' || (p !== null && (p < 1 || p > max)))
      return error(400, 'InvalidValue', `per_page must be between 1 and ${max}`);
    return p ?? max;
  }

  /** A cursor export's clock, starting point and page size, or the error that answers it. */
  private cursorRequest(
    q: URLSearchParams,
  ): { now: number; start: { ts: number; id: number }; perPage: number } | ApiResponse {
    const now = this.world.clock.nowSeconds();
    const start = this.exportStart(q, now);
    if ('status' in start) return start;
    const perPage = this.perPage(q);
    if (typeof perPage !== 'number') return perPage;
    return { now, start, perPage };
  }

  private ticketsCursor(q: URLSearchParams): ApiResponse {
    const request = this.cursorRequest(q);
    if ('status' in request) return request;
    const { now, start, perPage } = request;
    const excludeDeleted = q.get('exclude_deleted') === 'true';
    const refs = this.world.ticketsAfter(start, now - 60, now, perPage + 1);
    const more = refs.length > perPage;
    const page = refs.slice(0, perPage);
    const tickets: Record<string, unknown>[] = [];
    for (const ref of page) {
      const life = this.world.life(ref.day, ref.index);
      const state = this.world.ticketState(life, now);
      if (excludeDeleted && state.status === 'deleted') continue;
      tickets.push(
        maybeMalformed(this.config, 'tickets', life.id, renderTicket(this.base, life, state, life.rating)),
      );
    }
    const last = page[page.length - 1];
    const after = last ? encodeCursor(last.key, last.id) : encodeCursor(start.ts, start.id);
    const endpoint = `${this.base}/api/v2/incremental/tickets/cursor.json`;
    return {
      status: 200,
      body: {
        tickets: maybeDuplicate(this.config, tickets, `tickets:${after}`),
        after_url: `${endpoint}?cursor=${encodeURIComponent(after)}${perPage !== 1000 ? `&per_page=${perPage}` : ''}`,
        before_url: null,
        after_cursor: after,
        before_cursor: null,
        end_of_stream: !more,
      },
    };
  }

  private ticketEvents(q: URLSearchParams): ApiResponse {
    const now = this.world.clock.nowSeconds();
    const start = intParam(q, 'start_time');
    if (start === null || start === 'invalid')
      return error(400, 'InvalidPaginationParameter', 'start_time (unix seconds) is required');
    if (start > now - 60)
      return error(400, 'InvalidValue', 'Too recent start_time. Use a start_time older than 1 minute');
    const perPage = this.perPage(q);
    if (typeof perPage !== 'number') return perPage;
    const include = (q.get('include') ?? '').split(',');
    const withComments = include.includes('comment_events');
    const refs = this.world.auditsFrom(start, now - 60, perPage);
    let page = refs.slice(0, perPage);
    // A page full of one second would never advance: return that whole second (more than
    // per_page) and start the next page after it.
    let wholeSecond = false;
    if (page.length === perPage && page[0]?.at === page[page.length - 1]?.at) {
      page = refs.filter((r) => r.at === page[0]?.at);
      wholeSecond = true;
    }
    const events = page.map((ref) => {
      const { life, audit } = this.world.audit(ref);
      return maybeMalformed(
        this.config,
        'ticket_events',
        audit.id,
        renderTicketEvent(life, audit, withComments),
      );
    });
    const endTime = page.length > 0 ? (page[page.length - 1]?.at as number) + (wholeSecond ? 1 : 0) : start;
    const params = new URLSearchParams({ start_time: String(endTime) });
    if (withComments) params.set('include', 'comment_events');
    if (perPage !== 1000) params.set('per_page', String(perPage));
    return {
      status: 200,
      body: {
        ticket_events: maybeDuplicate(this.config, events, `events:${start}:${perPage}`),
        next_page: `${this.base}/api/v2/incremental/ticket_events.json?${params}`,
        count: events.length,
        end_time: endTime,
        end_of_stream: page.length < perPage,
      },
    };
  }

  private usersCursor(q: URLSearchParams): ApiResponse {
    const request = this.cursorRequest(q);
    if ('status' in request) return request;
    const { now, start, perPage } = request;
    const until = now - 60;
    const people = this.world.people;
    const out: Record<string, unknown>[] = [];
    let lastKey: { ts: number; id: number } | null = null;
    let more = false;
    const after = (ts: number, id: number): boolean => ts > start.ts || (ts === start.ts && id > start.id);
    for (const s of people.staff) {
      if (s.createdAt > until || !after(s.createdAt, s.id)) continue;
      if (out.length === perPage) {
        more = true;
        break;
      }
      out.push(maybeMalformed(this.config, 'users', s.id, renderStaffUser(this.base, s)));
      lastKey = { ts: s.createdAt, id: s.id };
    }
    if (!more) {
      // Customers are created in index order, so the first one after the cursor is found by bisection.
      let lo = 0;
      let hi = people.customerCount;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (after(people.customerCreatedAt(mid), customerIdBase + mid)) hi = mid;
        else lo = mid + 1;
      }
      for (let k = lo; k < people.customerCount; k++) {
        const createdAt = people.customerCreatedAt(k);
        if (createdAt > until) break;
        if (out.length === perPage) {
          more = true;
          break;
        }
        const c = people.customer(k);
        out.push(maybeMalformed(this.config, 'users', c.userId, renderCustomerUser(this.base, c)));
        lastKey = { ts: createdAt, id: c.userId };
      }
    }
    const cursor = lastKey ? encodeCursor(lastKey.ts, lastKey.id) : encodeCursor(start.ts, start.id);
    return {
      status: 200,
      body: {
        users: maybeDuplicate(this.config, out, `users:${cursor}`),
        after_url: `${this.base}/api/v2/incremental/users/cursor.json?cursor=${encodeURIComponent(cursor)}`,
        before_url: null,
        after_cursor: cursor,
        before_cursor: null,
        end_of_stream: !more,
      },
    };
  }

  /** Cursor pagination (`page[size]`, `page[after]`) as the non-incremental list endpoints use it. */
  private pageParams(q: URLSearchParams, max = 100): { size: number; after: string | null } | ApiResponse {
    const raw = q.get('page[size]');
    const size = raw === null ? 100 : Number(raw);
    if (!Number.isInteger(size) || size < 1 || size > max)
      return error(400, 'InvalidPaginationParameter', `page[size] must be between 1 and ${max}`);
    return { size, after: q.get('page[after]') };
  }

  private listBody(
    key: string,
    records: unknown[],
    path: string,
    size: number,
    more: boolean,
    first: string | null,
    last: string | null,
    extra = '',
  ): ApiResponse {
    return {
      status: 200,
      body: {
        [key]: records,
        meta: { has_more: more, after_cursor: last, before_cursor: first },
        links: {
          next:
            more && last
              ? `${this.base}${path}?page[size]=${size}&page[after]=${encodeURIComponent(last)}${extra}`
              : null,
          prev: first
            ? `${this.base}${path}?page[size]=${size}&page[before]=${encodeURIComponent(first)}${extra}`
            : null,
        },
      },
    };
  }

  private groups(q: URLSearchParams): ApiResponse {
    const p = this.pageParams(q);
    if ('status' in p) return p;
    let from = 0;
    if (p.after) {
      const decoded = decodeCursor(p.after);
      if (!decoded) return error(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
      from = groups.findIndex((g) => g.id > decoded.id);
      if (from < 0) from = groups.length;
    }
    const page = groups.slice(from, from + p.size);
    const more = from + p.size < groups.length;
    const first = page[0] ? encodeCursor(0, page[0].id) : null;
    const last = page[page.length - 1] ? encodeCursor(0, (page[page.length - 1] as { id: number }).id) : null;
    return this.listBody(
      'groups',
      page.map((g) => renderGroup(this.base, g)),
      '/api/v2/groups.json',
      p.size,
      more,
      first,
      last,
    );
  }

  private ratings(q: URLSearchParams): ApiResponse {
    const now = this.world.clock.nowSeconds();
    const p = this.pageParams(q);
    if ('status' in p) return p;
    const startTime = intParam(q, 'start_time');
    const endTime = intParam(q, 'end_time');
    if (startTime === 'invalid' || endTime === 'invalid')
      return error(400, 'InvalidValue', 'start_time and end_time are unix seconds');
    let after = { ts: startTime ?? 0, id: -1 };
    if (p.after) {
      const decoded = decodeCursor(p.after);
      if (!decoded) return error(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
      after = decoded;
    }
    const refs = this.world.ratingsAfter(after, endTime ?? now, now, p.size + 1);
    const more = refs.length > p.size;
    const page = refs.slice(0, p.size);
    const records = page.map((ref) => {
      const life = this.world.life(ref.day, ref.index);
      return maybeMalformed(
        this.config,
        'satisfaction_ratings',
        life.id,
        renderRating(this.base, life, now) as Record<string, unknown>,
      );
    });
    const first = page[0] ? encodeCursor(page[0].key, page[0].id) : null;
    const lastRef = page[page.length - 1];
    const last = lastRef ? encodeCursor(lastRef.key, lastRef.id) : null;
    const extra = `${startTime !== null ? `&start_time=${startTime}` : ''}${endTime !== null ? `&end_time=${endTime}` : ''}`;
    return this.listBody(
      'satisfaction_ratings',
      maybeDuplicate(this.config, records, `ratings:${p.after ?? startTime}`),
      '/api/v2/satisfaction_ratings.json',
      p.size,
      more,
      first,
      last,
      extra,
    );
  }
}
