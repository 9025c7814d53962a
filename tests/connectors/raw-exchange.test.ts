import { describe, expect, it } from 'vitest';
import { rawExchangeLine } from '#src/connectors/shared/raw-exchange.ts';

describe('rawExchangeLine', () => {
  it('keeps a pretty-printed response body on one line and the same document', () => {
    // Prepare
    const body = { tickets: [{ id: 1, description: 'line one\nline two' }], end_of_stream: true };
    const bodyText = JSON.stringify(body, null, 2).replace(/\n/g, '\r\n');
    // Act
    const line = rawExchangeLine({
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      requestBody: { limit: 200 },
      status: 200,
      receivedAt: '2026-08-01T00:00:00.000Z',
      bodyText,
    });
    // Assess
    expect(line).not.toMatch(/[\r\n]/);
    expect(JSON.parse(line)).toEqual({
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      requestBody: { limit: 200 },
      status: 200,
      receivedAt: '2026-08-01T00:00:00.000Z',
      body,
    });
  });
});
