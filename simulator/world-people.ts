import { hashUnit, Rng } from './prng.ts';
import {
  type Channel,
  firstNames,
  type GroupSpec,
  groups,
  kycLevels,
  type Language,
  languageWeights,
  lastNames,
  localeOf,
  type VipTier,
} from './world-catalog.ts';

const DAY = 86400;

/** Ids: staff 10000+, customers 20000000+ (Zendesk users); contacts 1001+ (CRM). */
export const staffIdBase = 10_000;
export const customerIdBase = 20_000_000;
export const contactIdBase = 1001;
export const systemUserId = -1;

export interface StaffMember {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: 'agent' | 'admin';
  readonly groupId: number;
  readonly isBot: boolean;
  readonly createdAt: number;
}

export interface Customer {
  readonly index: number;
  readonly userId: number;
  readonly contactId: number;
  readonly createdAt: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone: string;
  readonly language: Language;
  readonly locale: string;
  /** Preferred channel, so a customer tends to come back the same way. */
  readonly favouriteChannel: Channel | null;
  /** When the customer stops trading, if ever (more likely right after a bad experience). */
  readonly churnAt: number | null;
  readonly trading: { readonly base: number; readonly periodDays: number } | null;
  readonly vipHistory: readonly (readonly [VipTier, number])[];
  readonly kycHistory: readonly (readonly [string, number])[];
  readonly suspended: boolean;
}

export interface PeopleParams {
  readonly seed: number;
  readonly startTs: number;
  readonly endTs: number;
  readonly ticketsPerDay: number;
  readonly customersPerDailyTicket: number;
}

/**
 * Everyone in the world, computed on demand from the seed: staff (agents, admins, bots) and
 * customers (a Zendesk end user and a CRM contact each). Nothing is stored per customer.
 */
export class WorldPeople {
  readonly staff: readonly StaffMember[];
  readonly customerCount: number;
  readonly preexisting: number;
  readonly staffCreatedAt: number;
  private readonly byGroup = new Map<number, StaffMember[]>();

  constructor(private readonly params: PeopleParams) {
    this.customerCount = Math.max(60, params.ticketsPerDay * params.customersPerDailyTicket);
    this.preexisting = Math.floor(this.customerCount * 0.6);
    this.staffCreatedAt = params.startTs - 400 * DAY;
    this.staff = this.buildStaff();
    for (const member of this.staff) {
      const list = this.byGroup.get(member.groupId) ?? [];
      list.push(member);
      this.byGroup.set(member.groupId, list);
    }
  }

  private buildStaff(): StaffMember[] {
    const scale = Math.max(1, this.params.ticketsPerDay / 300);
    const counts: Record<string, number> = {
      'L1 Frontline': Math.ceil(10 * scale),
      'L2 Specialists': Math.ceil(4 * scale),
      'L2 Payments': Math.ceil(4 * scale),
      'L3 Engineering': Math.ceil(2 * scale),
      'L3 Security': Math.ceil(2 * scale),
      'VIP Desk': Math.ceil(3 * scale),
    };
    const staff: StaffMember[] = [];
    let next = staffIdBase;
    const add = (m: Omit<StaffMember, 'id' | 'createdAt'>): void => {
      staff.push({ ...m, id: next, createdAt: this.staffCreatedAt + (next - staffIdBase) * 60 });
      next++;
    };
    add({
      name: 'Desk Admin',
      email: 'admin@exchange.example',
      role: 'admin',
      groupId: groups[0].id,
      isBot: false,
    });
    const bot = groups.find((g) => g.tier === 'BOT') as GroupSpec;
    add({
      name: 'Exchange Assistant',
      email: 'assistant-bot@exchange.example',
      role: 'agent',
      groupId: bot.id,
      isBot: true,
    });
    const rng = Rng.of(this.params.seed, 'staff');
    for (const group of groups) {
      const n = counts[group.name] ?? 0;
      for (let i = 0; i < n; i++) {
        const first = rng.pick(firstNames);
        const last = rng.pick(lastNames);
        const handle = `${first}.${last}.${next}`.toLowerCase();
        add({
          name: `${first} ${last}`,
          email: `${handle}@exchange.example`,
          role: 'agent',
          groupId: group.id,
          isBot: false,
        });
      }
    }
    return staff;
  }

  get bot(): StaffMember {
    return this.staff[1] as StaffMember;
  }

  agentsOf(groupId: number): readonly StaffMember[] {
    return this.byGroup.get(groupId) ?? [];
  }

  staffById(id: number): StaffMember | undefined {
    const s = this.staff[id - staffIdBase];
    return s?.id === id ? s : undefined;
  }

  /** Creation time of customer k: 60 % in the year before the world, the rest during it. */
  customerCreatedAt(k: number): number {
    const { startTs, endTs } = this.params;
    if (k < this.preexisting) return startTs - 365 * DAY + Math.floor((k * 365 * DAY) / this.preexisting);
    const rest = this.customerCount - this.preexisting;
    return startTs + Math.floor(((k - this.preexisting) * (endTs - startTs)) / rest);
  }

  /** Number of customers that exist at `ts` (they are created in index order). */
  customersAt(ts: number): number {
    let lo = 0;
    let hi = this.customerCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.customerCreatedAt(mid) <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  customer(k: number): Customer {
    const rng = Rng.of(this.params.seed, 'customer', k);
    const createdAt = this.customerCreatedAt(k);
    const firstName = rng.pick(firstNames);
    const lastName = rng.pick(lastNames);
    const language = rng.weighted(languageWeights);
    const favouriteChannel = rng.chance(0.5) ? rng.pick(['chat', 'email', 'telegram', 'web'] as const) : null;
    const churnAt = rng.chance(0.08)
      ? createdAt + 7 * DAY + Math.floor(rng.next() * Math.max(DAY, this.params.endTs + 60 * DAY - createdAt))
      : null;
    const trading = rng.chance(0.95)
      ? { base: createdAt + DAY + rng.int(0, 6 * DAY), periodDays: rng.pick([1, 1, 1, 1, 2, 3, 7]) }
      : null;
    const tier: VipTier = rng.weighted([
      ['none', 80],
      ['silver', 10],
      ['gold', 6],
      ['platinum', 4],
    ]);
    const vipHistory: (readonly [VipTier, number])[] = [[tier, createdAt]];
    if (rng.chance(0.25)) {
      const order = ['none', 'silver', 'gold', 'platinum'] as const;
      const i = order.indexOf(tier);
      const up = i === 0 || (i < 3 && rng.chance(0.6));
      vipHistory.push([order[up ? i + 1 : i - 1] as VipTier, createdAt + 10 * DAY + rng.int(0, 300 * DAY)]);
    }
    const kycHistory: (readonly [string, number])[] = [[kycLevels[0], createdAt]];
    let t = createdAt;
    for (let level = 1; level < kycLevels.length; level++) {
      if (!rng.chance([0, 0.9, 0.6, 0.3][level] ?? 0)) break;
      t += rng.int(3600, ([0, 2, 30, 200][level] as number) * DAY);
      kycHistory.push([kycLevels[level] as string, t]);
    }
    return {
      index: k,
      userId: customerIdBase + k,
      contactId: contactIdBase + k,
      createdAt,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${k}@example.com`.toLowerCase(),
      phone: `+44 7${String(100000000 + ((k * 7919) % 900000000)).slice(0, 9)}`,
      language,
      locale: localeOf[language],
      favouriteChannel,
      churnAt,
      trading,
      vipHistory,
      kycHistory,
      suspended: hashUnit(this.params.seed, 'suspended', k) < 0.003,
    };
  }

  /** A customer's last trade at or before `ts` (trades stop at churn). */
  lastTradeAt(c: Customer, ts: number): number | null {
    return this.tradesBefore(c, ts, 1)[0] ?? null;
  }

  /** Up to `max` latest trade times at or before `ts`, newest first. */
  tradesBefore(c: Customer, ts: number, max: number): number[] {
    if (!c.trading) return [];
    const limit = Math.min(ts, c.churnAt === null ? ts : c.churnAt - 1);
    const period = c.trading.periodDays * DAY;
    if (limit < c.trading.base) return [];
    let n = Math.floor((limit - c.trading.base) / period);
    const out: number[] = [];
    while (n >= 0 && out.length < max) {
      const at =
        c.trading.base + n * period + Math.floor(hashUnit(this.params.seed, 'trade', c.index, n) * 3 * 3600);
      if (at <= limit) out.push(at);
      n--;
    }
    return out;
  }

  vipTierAt(c: Customer, ts: number): VipTier {
    let tier: VipTier = 'none';
    for (const [value, at] of c.vipHistory) if (at <= ts) tier = value;
    return tier;
  }
}
