import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export class LoginDto {
  /** Not checked as an email here: a malformed address simply fails to sign in (401). */
  @IsString()
  @MinLength(1, { message: 'email is required' })
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(1, { message: 'password is required' })
  @MaxLength(200)
  password: string;
}

export class CreateTokenDto {
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  password?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  /** Days until the token stops working; left out: 90 (API_TOKEN_DAYS); null: never. */
  @ValidateIf((o: CreateTokenDto) => o.expiresInDays !== undefined && o.expiresInDays !== null)
  @IsInt({ message: 'expiresInDays must be a whole number of days, or null for no expiry' })
  @Min(1)
  @Max(3650)
  expiresInDays?: number | null;
}

export class ChangePasswordDto {
  @IsString()
  @MinLength(1, { message: 'currentPassword is required' })
  @MaxLength(200)
  currentPassword: string;

  /** The rule itself (10–128 characters, not a common password) is the password policy's. */
  @IsString()
  @MaxLength(200)
  newPassword: string;
}
