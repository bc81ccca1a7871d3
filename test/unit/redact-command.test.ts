import { ConfigError } from '../../common/config';
import { emailSha256 } from '../../common/email-hash';
import { describeRedaction, redactionInput } from '../../client/redact';

describe('--redact-customer <id|email>', () => {
  it('takes an id, a Customer gid or an email; the email leaves only as its SHA-256', () => {
    expect(redactionInput('7390123456789', true).input).toEqual({ customerId: 7390123456789, sheets: true });
    expect(redactionInput('gid://shopify/Customer/42', false).input).toEqual({ customerId: 42, sheets: false });
    const { input, described } = redactionInput('  Jane.Doe@Example.COM ', true);
    expect(input).toEqual({ emailSha256: emailSha256('jane.doe@example.com'), sheets: true });
    expect(JSON.stringify(input) + described).not.toMatch(/jane|doe|example/i);
  });

  it('refuses anything else with what it takes', () => {
    expect(() => redactionInput('Jane Doe', true)).toThrow(ConfigError);
    expect(() => redactionInput('Jane Doe', true)).toThrow(/customer id .* or an email/);
    expect(() => redactionInput('99999999999999999999', true)).toThrow(/too large/);
  });

  it('prints counts and ids, and says when nothing matched', () => {
    const stages = [{ name: 'csv', status: 'done' as const, detail: '' }];
    const purge = { databaseBytesBefore: 3_145_728, databaseBytesAfter: 2_097_152, walBytesAfter: 0 };
    const base = { customerIds: [42], customers: 1, orders: 3, guestOrders: 1, redactedAt: '', purge, stages };
    expect(describeRedaction({ ...base, found: true })).toContain(
      'Erased the personal data of customer 42: 1 customer, 3 orders (1 guest checkout)',
    );
    expect(describeRedaction({ ...base, found: true })).toContain('Database vacuumed (3.0 MB → 2.0 MB), WAL emptied');
    expect(describeRedaction({ ...base, found: false })).toMatch(/^Nothing stored matches it/);
  });
});
