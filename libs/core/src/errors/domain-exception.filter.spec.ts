import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { DomainExceptionFilter } from './domain-exception.filter';
import {
  Conflict,
  fieldError,
  Forbidden,
  MissingRight,
  missingRightMessage,
  NotFound,
  TooManyAttempts,
  ValidationFailed,
} from './domain.error';

function send(exception: unknown): {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
} {
  const out = { status: 0, body: {} as Record<string, unknown>, headers: {} as Record<string, string> };
  const res = {
    status(s: number) {
      out.status = s;
      return res;
    },
    json(b: Record<string, unknown>) {
      out.body = b;
      return res;
    },
    setHeader(k: string, v: string) {
      out.headers[k] = v;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new DomainExceptionFilter().catch(exception, host);
  return out;
}

describe('DomainExceptionFilter', () => {
  it('answers a missing right as 403 RIGHT_REQUIRED with the right in params; the sentence is built once', () => {
    const { status, body } = send(new MissingRight('manage'));
    expect(status).toBe(403);
    expect(body).toEqual({
      statusCode: 403,
      error: 'RIGHT_REQUIRED',
      message: 'You need the manage right on this mailbox',
      params: { right: 'manage', scope: 'mailbox' },
    });
    expect(send(new MissingRight(['users', 'admin'], 'global')).body.message).toBe(
      'You need the rights users, admin',
    );
    expect(missingRightMessage(['reply'], 'anyMailbox', 'to upload attachments')).toBe(
      'You need the reply right on a mailbox to upload attachments',
    );
  });

  it('keeps a code of its own on a right error (REPLY_NOT_APPROVER) and on other 403s', () => {
    expect(
      send(new MissingRight('approve', 'mailbox', 'to approve or reject replies', 'REPLY_NOT_APPROVER')).body,
    ).toMatchObject({ error: 'REPLY_NOT_APPROVER', params: { right: 'approve' } });
    expect(send(new Forbidden('Missing or wrong X-XSRF-TOKEN header', 'XSRF_TOKEN_INVALID')).body).toEqual({
      statusCode: 403,
      error: 'XSRF_TOKEN_INVALID',
      message: 'Missing or wrong X-XSRF-TOKEN header',
    });
  });

  it('gives field messages and field codes side by side; a bare sentence is INVALID', () => {
    const { status, body } = send(
      new ValidationFailed({
        slug: [fieldError('TAKEN', 'slug "a" is already used')],
        name: ['name is odd'],
      }),
    );
    expect(status).toBe(400);
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.fields).toEqual({ slug: ['slug "a" is already used'], name: ['name is odd'] });
    expect(body.fieldCodes).toEqual({ slug: [{ code: 'TAKEN' }], name: [{ code: 'INVALID' }] });
    expect(body.message).toContain('slug: slug "a" is already used');
  });

  it('gives a conflict its params, a not-found an underscored code, and no empty params', () => {
    expect(send(new Conflict('GROUP_EXISTS', 'A group named x already exists', { name: 'x' })).body).toEqual({
      statusCode: 409,
      error: 'GROUP_EXISTS',
      message: 'A group named x already exists',
      params: { name: 'x' },
    });
    const nf = send(new NotFound('routing rule', 4)).body;
    expect(nf).toEqual({
      statusCode: 404,
      error: 'ROUTING_RULE_NOT_FOUND',
      message: 'routing rule 4 does not exist',
    });
  });

  it('sets Retry-After and gives the minutes of a 429', () => {
    const { status, body, headers } = send(new TooManyAttempts(125));
    expect(status).toBe(429);
    expect(headers['Retry-After']).toBe('125');
    expect(body).toMatchObject({ error: 'TOO_MANY_ATTEMPTS', params: { minutes: 3 } });
  });

  it('gives a body too large its limit in KB, and hides unexpected errors behind INTERNAL', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
      limit: 102400,
    });
    expect(send(tooLarge).body).toMatchObject({
      statusCode: 413,
      error: 'PAYLOAD_TOO_LARGE',
      params: { kb: 100 },
    });
    const crash = send(new Error('secret detail'));
    expect(crash).toMatchObject({ status: 500, body: { error: 'INTERNAL' } });
    expect(JSON.stringify(crash.body)).not.toContain('secret');
    expect(send(new NotFoundException()).status).toBe(404);
  });
});
