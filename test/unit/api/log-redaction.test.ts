import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../api/errors.js';
import { booking, testApp } from './test-app.js';

describe('logs', () => {
  it('never contain the API key, the payment token or card data, at the most verbose level', async () => {
    const lines: string[] = [];
    const t = await testApp({ logLevel: 'trace', logStream: { write: (line: string) => lines.push(line) } });
    try {
      const headers = { 'x-api-key': t.bookingKey, authorization: 'Bearer secret-bearer' };
      await t.app.inject({ method: 'POST', url: '/reservations', headers, payload: booking() });
      await t.app.inject({
        method: 'POST',
        url: '/reservations',
        headers,
        payload: booking({ paymentToken: '4111111111111111' }),
      });
      t.publisher.failNext = new UnavailableError('Kafka');
      await t.app.inject({ method: 'POST', url: '/reservations', headers, payload: booking() });
      await t.app.inject({ method: 'POST', url: '/reservations', headers, payload: '{"broken' });
      // Should a body or headers ever be logged, the redaction paths blank them.
      t.app.log.info({ body: booking(), headers: { 'x-api-key': t.bookingKey } }, 'a logged body');
      const log = lines.join('');
      expect(log).toMatch(/"paymentToken":"\[redacted\]"/);
      expect(lines.length).toBeGreaterThan(8); // requests, responses, the accepted booking, the 503
      expect(log).toContain('reservation accepted');
      for (const secret of [t.bookingKey, 'secret-bearer', 'tok_visa_4242abcd', '4111111111111111']) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await t.app.close();
    }
  });
});
