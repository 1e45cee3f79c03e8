import { httpFailure } from './sms-provider';

describe('httpFailure', () => {
  it.each([
    [401, 'SMS_AUTH_FAILED', 'soon'],
    [403, 'SMS_AUTH_FAILED', 'soon'],
    [404, 'SMS_PROVIDER_SETTING', 'soon'],
    [400, 'SMS_REJECTED', 'now'],
    [422, 'SMS_REJECTED', 'now'],
    [429, 'SMS_RATE_LIMITED', 'later'],
    [500, 'SMS_PROVIDER_UNAVAILABLE', 'later'],
    [503, 'SMS_PROVIDER_UNAVAILABLE', 'later'],
  ])('%i is %s, given up %s', (status, code, giveUp) => {
    const e = httpFailure('X', status, 'why');
    expect([e.code, e.giveUp]).toEqual([code, giveUp]);
    expect(e.message).toContain('why');
  });
});
