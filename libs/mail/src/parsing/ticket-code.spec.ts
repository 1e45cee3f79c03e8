import { findTicketCodes, subjectWithCode } from './ticket-code';

describe('findTicketCodes', () => {
  it.each([
    ['finds the bracketed code', 'Re: お見積り [#IQ000123]', ['IQ000123']],
    ['finds the full-width form an IME produces', 'お見積り［＃ＩＱ０００１２３］', ['IQ000123']],
    [
      'finds several codes once each, in order',
      '[#IQ000002] merged into [#IQ000001] [#IQ000002]',
      ['IQ000002', 'IQ000001'],
    ],
    ['ignores a code without brackets', 'Re: #IQ000123 and IQ000124', []],
    ['ignores lower case and other lengths', '[#iq000123] [#IQ12345] [#IQ1234567]', []],
    ['ignores other prefixes', '[#MS001826]', []],
  ])('%s', (_behaviour, subject, codes) => {
    expect(findTicketCodes(subject)).toEqual(codes);
  });
});

describe('subjectWithCode', () => {
  it.each([
    ['adds Re: and the code to a new subject', 'お見積りのお願い', 'Re: お見積りのお願い [#IQ000123]'],
    ['keeps the code where it is', 'Re: [#IQ000123] お見積り', 'Re: [#IQ000123] お見積り'],
    [
      'collapses a run of reply prefixes into one Re:',
      'RE: Re: Re[2]: 返信: RE：Aw: お見積り [#IQ000123]',
      'Re: お見積り [#IQ000123]',
    ],
    ['keeps Fwd: after the reply prefix', 'Re: Fwd: お見積り', 'Re: Fwd: お見積り [#IQ000123]'],
    [
      'turns a full-width marker into ASCII and keeps it once',
      'ＲＥ：お見積り［＃ＩＱ０００１２３］ [#IQ000123]',
      'Re: お見積り[#IQ000123]',
    ],
    ['strips reply prefixes behind a leading marker', '[#IQ000123] RE: お見積り', 'Re: [#IQ000123] お見積り'],
    ["leaves other tickets' codes alone", 'Re: [#IQ000099] 続き', 'Re: [#IQ000099] 続き [#IQ000123]'],
    [
      'does not take a word starting with "Re" for a prefix',
      'Request for quote',
      'Re: Request for quote [#IQ000123]',
    ],
    ['does not touch ① or ㈱ (no NFKC on the text)', '①㈱の件', 'Re: ①㈱の件 [#IQ000123]'],
    ['handles an empty subject', '', 'Re: [#IQ000123]'],
  ])('%s', (_behaviour, subject, expected) => {
    expect(subjectWithCode(subject, 'IQ000123')).toBe(expected);
  });
});
