import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { DomainError } from './domain.error';

/** Primary keys are positive and fit a signed 32-bit column on every database we support. */
export const MAX_ID = 2_147_483_647;

export class InvalidId extends DomainError {
  constructor(name: string, value: string) {
    super('INVALID_ID', `"${value.slice(0, 40)}" is not a valid ${name}: use a whole number from 1 to ${MAX_ID}`, 400, { [name]: ['must be a whole number from 1 to 2147483647'] });
  }
}

/**
 * Global: every numeric path parameter (`@Param('id', ParseIntPipe) id: number`) must be a plain
 * positive integer in range before anything else sees it, so `1e20`, `-1`, `0x10` or twenty
 * digits answer 400 on every route alike instead of reaching the database.
 */
@Injectable()
export class IdParamPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' || metadata.metatype !== Number) return value;
    const text = String(value);
    if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_ID) throw new InvalidId(metadata.data ?? 'id', text);
    return value;
  }
}

/** A DTO field holding a primary key: a whole number from 1 to MAX_ID. */
export function IsId(): PropertyDecorator {
  return (target, key) => {
    IsInt()(target, key);
    Min(1)(target, key);
    Max(MAX_ID, { message: `$property must be a whole number from 1 to ${MAX_ID}` })(target, key);
  };
}
