import { checkMisdelivery, domainOf, type MisdeliveryInput } from './misdelivery-check';

const base: MisdeliveryInput = {
  customerAddress: 'taro@example.co.jp',
  to: ['taro@example.co.jp'],
  cc: [],
  bcc: [],
  proposed: { cc: [], bcc: [] },
  attachmentNames: [],
};

describe('checkMisdelivery', () => {
  it('asks nothing for a reply to the customer alone, as proposed', () => {
    const check = checkMisdelivery(base);
    expect(check.reasons).toEqual([]);
    expect(check.customerDomain).toBe('example.co.jp');
    expect(check.recipients).toEqual([{ field: 'to', address: 'taro@example.co.jp', outside: false }]);
  });

  it('flags a Cc outside the customer domain, and the Cc change', () => {
    const check = checkMisdelivery({ ...base, cc: ['hanako@other.example'] });
    expect(check.reasons).toEqual(['outsideDomain', 'ccBccChanged']);
    expect(check.recipients.find((r) => r.field === 'cc')).toEqual({ field: 'cc', address: 'hanako@other.example', outside: true });
  });

  it('keeps a colleague of the customer (same domain, any case) inside', () => {
    const check = checkMisdelivery({ ...base, to: ['Taro@Example.co.jp', 'jiro@EXAMPLE.CO.JP'] });
    expect(check.reasons).toEqual([]);
  });

  it('treats a subdomain as another domain', () => {
    expect(checkMisdelivery({ ...base, to: ['a@mail.example.co.jp'] }).reasons).toEqual(['outsideDomain']);
  });

  it('counts free-mail domains as a domain like any other', () => {
    const gmail = { ...base, customerAddress: 'taro@gmail.com', to: ['taro@gmail.com'] };
    expect(checkMisdelivery({ ...gmail, bcc: ['someone@gmail.com'], proposed: { cc: [], bcc: ['someone@gmail.com'] } }).reasons).toEqual([]);
    expect(checkMisdelivery({ ...gmail, to: ['taro@yahoo.co.jp'] }).reasons).toEqual(['outsideDomain']);
  });

  it('asks for an attachment and lists its name', () => {
    const check = checkMisdelivery({ ...base, attachmentNames: ['見積書.pdf'] });
    expect(check.reasons).toEqual(['attachments']);
    expect(check.attachmentNames).toEqual(['見積書.pdf']);
  });

  it('asks when a proposed Cc was removed, not when it was only reordered', () => {
    const proposed = { cc: ['a@example.co.jp', 'b@example.co.jp'], bcc: [] };
    expect(checkMisdelivery({ ...base, cc: ['b@example.co.jp', 'A@example.co.jp'], proposed }).reasons).toEqual([]);
    expect(checkMisdelivery({ ...base, cc: ['a@example.co.jp'], proposed }).reasons).toEqual(['ccBccChanged']);
  });

  it('flags a Bcc change and an outside Bcc', () => {
    expect(checkMisdelivery({ ...base, bcc: ['boss@example.co.jp'] }).reasons).toEqual(['ccBccChanged']);
    expect(checkMisdelivery({ ...base, bcc: ['x@elsewhere.jp'] }).reasons).toEqual(['outsideDomain', 'ccBccChanged']);
  });

  it('without a customer address marks nobody outside', () => {
    const check = checkMisdelivery({ ...base, customerAddress: null, to: ['x@elsewhere.jp'] });
    expect(check.reasons).toEqual([]);
    expect(check.recipients[0].outside).toBe(false);
  });
});

describe('domainOf', () => {
  it('reads the domain after the last @', () => {
    expect(domainOf(' A@B.Example. ')).toBe('b.example');
    expect(domainOf('"a@b"@c.jp')).toBe('c.jp');
    expect(domainOf('nobody')).toBeNull();
    expect(domainOf('x@')).toBeNull();
    expect(domainOf(undefined)).toBeNull();
  });
});
