import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class PortalLoginDto {
  /** Not checked as an address: a malformed one simply fails to sign in (401). */
  @IsString()
  @MinLength(1, { message: 'email is required' })
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(1, { message: 'password is required' })
  @MaxLength(200)
  password: string;
}

export class PortalSignupDto {
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  /** The name for a 仮登録 customer made at verification (else the address's local part). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name?: string;
}

export class PortalResetDto {
  @IsString()
  @MinLength(1, { message: 'email is required' })
  @MaxLength(254)
  email: string;
}

export class PortalSetPasswordDto {
  @IsString()
  @MinLength(1, { message: 'token is required' })
  @MaxLength(200)
  token: string;

  /** The staff password rule: 10–128 characters, not a common password, not the address itself. */
  @IsString()
  @MaxLength(200)
  password: string;
}

export class PortalAccessDto {
  @IsBoolean()
  enabled: boolean;
}
