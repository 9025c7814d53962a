import { describe, expect, it } from 'vitest';
import { landingRowSchema, landingStreams } from '#src/landing/landing-schemas.ts';

describe('landing schemas', () => {
  it('marks every stream holding personal data or text as restricted, and only those', () => {
    const restricted = Object.values(landingStreams)
      .filter((s) => s.restricted)
      .map((s) => s.stream)
      .sort();
    expect(restricted).toEqual([
      'comment_texts',
      'contact_pii',
      'satisfaction_comments',
      'ticket_texts',
      'user_pii',
    ]);
  });

  it('validates a row and rejects a wrong type with the column named', () => {
    const schema = landingRowSchema(landingStreams.groups);
    const row = {
      group_id: 7,
      name: 'L1 Support',
      is_deleted: false,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-02T00:00:00Z',
      _run_id: 'r1',
      _extracted_at: '2026-01-02T00:00:05Z',
    };
    expect(schema.safeParse(row).success).toBe(true);
    const bad = schema.safeParse({ ...row, group_id: '7' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['group_id']);
    expect(schema.safeParse({ ...row, created_at: '2026-01-01 00:00:00' }).success).toBe(false);
  });
});
