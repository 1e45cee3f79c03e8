import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, TooManyAttempts } from './domain.error';

/**
 * One place maps errors to HTTP: domain errors keep their status; anything unexpected is a 500.
 * The body is `{statusCode, error: CODE, message, params?, fields?, fieldCodes?}`: `message` is
 * English for scripts and people reading the API; clients word the error from `error`, `params`
 * and `fieldCodes` (`{field: [{code, params?}]}`), the console in Japanese or English.
 */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof DomainError) {
      if (exception instanceof TooManyAttempts)
        res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      res.status(exception.status).json({
        statusCode: exception.status,
        error: exception.code,
        message: exception.message,
        ...(exception.params && Object.keys(exception.params).length ? { params: exception.params } : {}),
        ...(exception.fields ? { fields: exception.fields, fieldCodes: exception.fieldCodes } : {}),
      });
      return;
    }
    const bodyError = bodyParserError(exception);
    if (bodyError) {
      res
        .status(bodyError.status)
        .json({
          statusCode: bodyError.status,
          error: bodyError.code,
          message: bodyError.message,
          ...(bodyError.params ? { params: bodyError.params } : {}),
        });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const payload =
        typeof body === 'string'
          ? { statusCode: status, error: HttpStatus[status] ?? 'Error', message: body }
          : { statusCode: status, ...(body as object) };
      res.status(status).json(payload);
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res
      .status(500)
      .json({ statusCode: 500, error: 'INTERNAL', message: 'Something went wrong on the server' });
  }
}

/**
 * Errors of the request body parsers (body-parser's http-errors carry `type` and `status`): a body
 * over the limit, broken or too deep JSON, an unknown charset. They are the client's doing, so
 * each is a 4xx with a code, never the 500 they would fall through to.
 */
function bodyParserError(
  e: unknown,
): { status: number; code: string; message: string; params?: Record<string, number> } | null {
  if (!(e instanceof Error) || !('type' in e) || typeof (e as { type: unknown }).type !== 'string')
    return null;
  const err = e as Error & { type: string; status?: number; limit?: number };
  const result = bodyParserProblem(err);
  if (result && err.type === 'entity.too.large' && err.limit)
    result.params = { kb: Math.floor(err.limit / 1024) };
  return result;
}

function bodyParserProblem(
  err: Error & { type: string; status?: number; limit?: number },
): { status: number; code: string; message: string; params?: Record<string, number> } | null {
  switch (err.type) {
    case 'entity.too.large':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is too large${err.limit ? ` (at most ${Math.floor(err.limit / 1024)} KB)` : ''}`,
      };
    case 'entity.parse.failed':
      return { status: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON' };
    case 'entity.too.deep':
      return { status: 400, code: 'JSON_TOO_DEEP', message: err.message };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return {
        status: 415,
        code: 'UNSUPPORTED_ENCODING',
        message: 'The request body uses a character set or encoding the server does not accept (use UTF-8)',
      };
    case 'parameters.too.many':
      return { status: 413, code: 'TOO_MANY_PARAMETERS', message: 'The form body has too many fields' };
    default:
      if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
        return { status: err.status, code: 'BAD_REQUEST', message: 'The request body could not be read' };
      return null;
  }
}
