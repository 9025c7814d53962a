import { describe, expect, it } from 'vitest';
import { zendeskConfigSchema } from '#src/connectors/zendesk/zendesk-config.ts';
import {
  ticketEventToLandingRows,
  ticketToLandingRows,
  zendeskTicketEventSchema,
  zendeskTicketSchema,
} from '#src/connectors/zendesk/zendesk-records.ts';

describe('Zendesk records to landing rows', () => {
  it('reads a Change event in the documented export shape, where the field is named by its own key', () => {
    // Prepare: the child events as the incremental ticket event export documents them.
    const raw = {
      id: 91048994468,
      ticket_id: 155,
      timestamp: 1601357503,
      created_at: '2020-09-29T05:31:43Z',
      updater_id: 5031726587,
      via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
      event_type: 'Audit',
      child_events: [
        {
          id: 91048994488,
          via: { channel: 'web' },
          via_reference_id: null,
          status: 'open',
          event_type: 'Change',
          previous_value: 'new',
        },
        {
          id: 91048994489,
          via: { channel: 'web' },
          via_reference_id: null,
          event_type: 'Change',
          field_name: 'tags',
          value: ['vip', 'kyc'],
          previous_value: ['vip'],
        },
        {
          id: 91048994490,
          type: 'Comment',
          event_type: 'Comment',
          author_id: 5031726587,
          body: 'This is a comment',
          public: false,
          created_at: '2020-09-29T05:31:43Z',
        },
        { id: 91048994491, event_type: 'Notification', subject: 'x' },
      ],
    };
    // Act
    const rows = ticketEventToLandingRows(zendeskTicketEventSchema.parse(raw), raw);
    // Assess
    expect(rows.ticket_events?.map((r) => [r.event_id, r.field_name, r.value, r.previous_value])).toEqual([
      [91048994488, 'status', 'open', 'new'],
      [91048994489, 'tags', '["vip","kyc"]', '["vip"]'],
    ]);
    expect(rows.comments).toEqual([
      expect.objectContaining({ comment_id: 91048994490, is_public: false, body_chars: 17, ticket_id: 155 }),
    ]);
    expect(rows.comment_texts?.[0]?.body).toBe('This is a comment');
    expect(JSON.stringify(rows.comments)).not.toContain('This is a comment');
  });

  it('takes category and language from the configured custom fields and keeps texts apart', () => {
    const config = zendeskConfigSchema.parse({ customFields: { category: 11, language: 12 } });
    const ticket = zendeskTicketSchema.parse({
      id: 7,
      status: 'deleted',
      subject: 'Withdrawal stuck',
      description: 'My BTC withdrawal is pending',
      via: { channel: 'chat' },
      custom_fields: [
        { id: 11, value: 'withdrawal_delayed' },
        { id: 12, value: 'es' },
      ],
      created_at: '2026-08-01T10:00:00+02:00',
      updated_at: '2026-08-01T09:00:00Z',
    });
    const rows = ticketToLandingRows(ticket, config);
    expect(rows.tickets?.[0]).toMatchObject({
      ticket_id: 7,
      category: 'withdrawal_delayed',
      language: 'es',
      is_deleted: true,
      via_channel: 'chat',
      created_at: '2026-08-01T08:00:00.000Z',
      generated_timestamp: Date.parse('2026-08-01T09:00:00Z') / 1000,
    });
    expect(JSON.stringify(rows.tickets)).not.toContain('BTC');
    expect(rows.ticket_texts?.[0]).toMatchObject({
      subject: 'Withdrawal stuck',
      description: 'My BTC withdrawal is pending',
    });
  });
});
