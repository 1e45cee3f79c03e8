import { formatTicketCode, replySubject, ticketCodesIn } from './ticket-code';

describe('ticket codes', () => {
  it('formats IQ plus six digits', () => {
    expect(formatTicketCode(123)).toBe('IQ000123');
  });

  it('finds only the bracketed code, also full-width', () => {
    expect(ticketCodesIn('Re: [#IQ000123] 見積について')).toEqual(['IQ000123']);
    expect(ticketCodesIn('［＃ＩＱ０００１２３］ 見積')).toEqual(['IQ000123']);
    expect(ticketCodesIn('IQ000123 について')).toEqual([]);
  });

  it('builds the reply subject with Re: and the code exactly once', () => {
    expect(replySubject('見積について', 'IQ000001')).toBe('Re: [#IQ000001] 見積について');
    expect(replySubject('Re: RE: Re[2]: 返信: [#IQ000001] 見積について', 'IQ000001')).toBe('Re: [#IQ000001] 見積について');
    expect(replySubject('ＲＥ： 見積', 'IQ000002')).toBe('Re: [#IQ000002] 見積');
    expect(replySubject('Fwd: 資料', 'IQ000003')).toBe('Re: [#IQ000003] Fwd: 資料');
    expect(replySubject('見積 ①㈱ ［＃IQ000004］', 'IQ000004')).toBe('Re: [#IQ000004] 見積 ①㈱');
  });
});
