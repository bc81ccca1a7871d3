import { nextWatermark, updatedAtMinFrom } from '../../activities/shopify/watermark';
import { redact, registerSecret } from '../../common/redact';

describe('watermarks', () => {
  it('re-reads a minute before the watermark', () => {
    expect(updatedAtMinFrom('2024-03-01T10:00:00-04:00')).toBe('2024-03-01T13:59:00.000Z');
    expect(updatedAtMinFrom(null)).toBeNull();
  });

  it('stays before the second paging started, so records edited during the sync count as newer next time', () => {
    const started = '2024-03-01T12:00:00.400Z';
    expect(nextWatermark('2024-03-01T11:00:00Z', started, null)).toBe('2024-03-01T11:00:00Z');
    expect(nextWatermark('2024-03-01T11:59:59Z', started, null)).toBe('2024-03-01T11:59:59Z');
    // Read at 12:00:00.4 and edited again at 12:00:00.9, a record still says 12:00:00: the watermark stays before it.
    expect(nextWatermark('2024-03-01T12:00:00Z', started, null)).toBe('2024-03-01T11:59:59.000Z');
    expect(nextWatermark('2024-03-01T12:30:00Z', started, null)).toBe('2024-03-01T11:59:59.000Z');
  });

  it('never moves backwards, and stays when nothing was fetched', () => {
    expect(nextWatermark('2024-01-01T00:00:00Z', '2024-03-01T12:00:00Z', '2024-02-01T00:00:00Z')).toBe(
      '2024-02-01T00:00:00Z',
    );
    expect(nextWatermark(null, '2024-03-01T12:00:00Z', '2024-02-01T00:00:00Z')).toBe('2024-02-01T00:00:00Z');
  });
});

describe('redact', () => {
  it('masks registered secrets, Shopify tokens and private keys', () => {
    registerSecret('my-very-secret-token');
    const key = '-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----';
    const text = redact(`a my-very-secret-token b shpat_0123456789abcdef ${key} {"private_key": "xyz"}`);
    expect(text).not.toMatch(/my-very-secret-token|shpat_0123|MIIabc|xyz/);
    expect(text).toContain('[REDACTED]');
  });
});
