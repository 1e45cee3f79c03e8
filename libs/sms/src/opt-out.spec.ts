import { hasOptOutInstruction, SMS_NO_OPT_OUT_TEXT, smsWarnings } from './opt-out';

describe('hasOptOutInstruction: a marketing SMS must say how to stop them', () => {
  it.each([
    ['配信停止はこちらに「停止」と返信', true],
    ['不要な方は「配信不要」とご返信ください', true],
    ['配信解除: https://x.jp/u', true],
    ['Reply STOP to opt out', true],
    ['reply stop to opt out', true],
    ['ＳＴＯＰと返信で停止', true],
    ['ｓｔｏｐ', true],
    ['セール開催中！ご来店お待ちしております', false],
    ['', false],
  ])('%s → %s', (body, expected) => {
    expect(hasOptOutInstruction(body)).toBe(expected);
  });

  it('warns only for marketing', () => {
    expect(smsWarnings('marketing', 'セール')).toEqual([SMS_NO_OPT_OUT_TEXT]);
    expect(smsWarnings('marketing', 'セール 停止は返信で')).toEqual([]);
    expect(smsWarnings('transactional', 'ご予約の確認')).toEqual([]);
    expect(smsWarnings(undefined, 'x')).toEqual([]);
  });
});
