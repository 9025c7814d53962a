/**
 * The fixed parts of the simulated exchange's support desk. The names are the project's agreed
 * world (see docs): connectors, the default desk configuration and the KPI models rely on them.
 */

export type Tier = 'L1' | 'L2' | 'L3' | 'VIP' | 'BOT';

export interface GroupSpec {
  readonly id: number;
  readonly name: string;
  readonly tier: Tier;
  /** Works Mon–Fri 09:00–18:00 Europe/London (the VIP and phone desk); else 24/7. */
  readonly businessHours: boolean;
}

export const groups = [
  { id: 360000000101, name: 'L1 Frontline', tier: 'L1', businessHours: false },
  { id: 360000000102, name: 'L2 Specialists', tier: 'L2', businessHours: false },
  { id: 360000000103, name: 'L2 Payments', tier: 'L2', businessHours: false },
  { id: 360000000104, name: 'L3 Engineering', tier: 'L3', businessHours: false },
  { id: 360000000105, name: 'L3 Security', tier: 'L3', businessHours: false },
  { id: 360000000106, name: 'VIP Desk', tier: 'VIP', businessHours: true },
  { id: 360000000107, name: 'Chat Bot', tier: 'BOT', businessHours: false },
] as const satisfies readonly GroupSpec[];

export type GroupName = (typeof groups)[number]['name'];

export function groupByName(name: GroupName): GroupSpec {
  return groups.find((g) => g.name === name) as GroupSpec;
}

export function groupById(id: number | null): GroupSpec | undefined {
  return groups.find((g) => g.id === id);
}

/** Groups created a year before the world starts; their timestamps are fixed. */
export const groupsCreatedAt = '2025-06-02T08:00:00Z';

export const categoryFieldId = 360000001001;
export const languageFieldId = 360000001002;

export const categories = [
  'withdrawal_delayed',
  'deposit_not_credited',
  'kyc_verification',
  'account_locked_2fa',
  'account_compromise',
  'phishing',
  'unauthorised_withdrawal',
  'futures_liquidation_dispute',
  'p2p_dispute',
  'fees',
  'api_trading',
  'other',
] as const;
export type Category = (typeof categories)[number];

export const securityCategories: readonly Category[] = [
  'account_compromise',
  'phishing',
  'unauthorised_withdrawal',
];
export const walletCategories: readonly Category[] = ['withdrawal_delayed', 'deposit_not_credited'];

export const categoryWeights: readonly (readonly [Category, number])[] = [
  ['withdrawal_delayed', 18],
  ['deposit_not_credited', 14],
  ['kyc_verification', 14],
  ['account_locked_2fa', 10],
  ['account_compromise', 3],
  ['phishing', 2],
  ['unauthorised_withdrawal', 1.5],
  ['futures_liquidation_dispute', 6],
  ['p2p_dispute', 6],
  ['fees', 8],
  ['api_trading', 4],
  ['other', 13.5],
];

export const languages = ['en', 'ru', 'zh', 'es', 'ja', 'ko'] as const;
export type Language = (typeof languages)[number];
export const languageWeights: readonly (readonly [Language, number])[] = [
  ['en', 45],
  ['ru', 15],
  ['zh', 14],
  ['es', 11],
  ['ja', 8],
  ['ko', 7],
];
export const localeOf: Record<Language, string> = {
  en: 'en-US',
  ru: 'ru',
  zh: 'zh-cn',
  es: 'es',
  ja: 'ja',
  ko: 'ko',
};

/** Zendesk `via.channel` values the desk receives. */
export const channels = ['chat', 'email', 'web', 'voice', 'telegram', 'discord', 'twitter', 'api'] as const;
export type Channel = (typeof channels)[number];
export const channelWeights: readonly (readonly [Channel, number])[] = [
  ['chat', 38],
  ['email', 20],
  ['web', 18],
  ['voice', 4],
  ['telegram', 9],
  ['discord', 5],
  ['twitter', 4],
  ['api', 2],
];

export const vipTiers = ['none', 'silver', 'gold', 'platinum'] as const;
export type VipTier = (typeof vipTiers)[number];
export const kycLevels = ['unverified', 'basic', 'intermediate', 'advanced'] as const;

export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

export const businessHours = {
  timeZone: 'Europe/London',
  openHour: 9,
  closeHour: 18,
  holidays: ['2026-08-31', '2026-12-25', '2026-12-28', '2027-01-01', '2027-04-02', '2027-04-05'],
} as const;

export const firstNames = [
  'Alex',
  'Maria',
  'Ivan',
  'Wei',
  'Sofia',
  'Yuki',
  'Min-jun',
  'Lucas',
  'Olga',
  'Chen',
  'Diego',
  'Hana',
  'Emma',
  'Dmitri',
  'Li',
  'Carmen',
  'Haruto',
  'Seo-yeon',
  'Noah',
  'Anna',
  'Jun',
  'Pablo',
  'Aiko',
  'Ji-woo',
] as const;
export const lastNames = [
  'Smith',
  'Ivanova',
  'Wang',
  'Garcia',
  'Tanaka',
  'Kim',
  'Brown',
  'Petrov',
  'Zhang',
  'Lopez',
  'Sato',
  'Park',
  'Wilson',
  'Sokolov',
  'Liu',
  'Martinez',
  'Suzuki',
  'Lee',
  'Taylor',
  'Novak',
  'Chen',
  'Fernandez',
  'Ito',
  'Choi',
] as const;
