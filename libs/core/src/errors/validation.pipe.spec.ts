import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ValidationFailed } from './domain.error';
import { createValidationPipe } from './validation.pipe';

class StepDto {
  @IsInt()
  @Max(5)
  order!: number;
}

class SampleDto {
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  name!: string;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsIn(['open', 'closed'])
  state?: string;

  @IsOptional()
  @Length(3, 8)
  slug?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @ValidateNested({ each: true })
  @Type(() => StepDto)
  steps?: StepDto[];
}

async function failure(body: unknown): Promise<ValidationFailed> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: SampleDto });
  } catch (e) {
    if (e instanceof ValidationFailed) return e;
    throw e;
  }
  throw new Error('the body was accepted');
}

describe('validation pipe: class-validator constraints become field codes with params', () => {
  it('gives the limit of a too long field as MAX_LENGTH {max}, and keeps the English message', async () => {
    const e = await failure({ name: 'x'.repeat(101) });
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.fieldCodes).toEqual({ name: [{ code: 'MAX_LENGTH', params: { max: 100 } }] });
    expect(e.fields?.name[0]).toMatch(/shorter than or equal to 100/);
  });

  it('maps minLength, isEmail, isIn, isLength and unknown fields', async () => {
    const e = await failure({ name: 'x', email: 'nope', state: 'gone', slug: 'ab', extra: 1 });
    expect(e.fieldCodes?.name).toEqual([{ code: 'MIN_LENGTH', params: { min: 2 } }]);
    expect(e.fieldCodes?.email).toEqual([{ code: 'EMAIL' }]);
    expect(e.fieldCodes?.state).toEqual([{ code: 'ONE_OF', params: { values: 'open, closed' } }]);
    expect(e.fieldCodes?.slug).toEqual([{ code: 'LENGTH', params: { min: 3, max: 8 } }]);
    expect(e.fieldCodes?.extra).toEqual([{ code: 'UNKNOWN_FIELD' }]);
  });

  it('names nested fields by path and reads their own limits', async () => {
    const e = await failure({ name: 'ok', steps: [{ order: 1 }, { order: 9 }] });
    expect(e.fieldCodes).toEqual({ 'steps.1.order': [{ code: 'MAX', params: { max: 5 } }] });
    const big = await failure({ name: 'ok', steps: [{ order: 1 }, { order: 1 }, { order: 1 }] });
    expect(big.fieldCodes?.steps).toEqual([{ code: 'ARRAY_MAX_SIZE', params: { max: 2 } }]);
  });

  it('a missing required string is STRING plus its length codes, each with a code', async () => {
    const e = await failure({});
    const codes = e.fieldCodes?.name.map((c) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['STRING', 'MIN_LENGTH', 'MAX_LENGTH']));
    expect(e.fields?.name).toHaveLength(codes!.length);
  });
});
