import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsInt, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateUserDto {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  /** 10–128 characters, not a common password: checked by the password policy. */
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(200)
  password: string;

  @IsArray()
  @IsInt({ each: true })
  @ArrayMaxSize(50)
  groupIds: number[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  branch?: string | null;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateUserDto {
  @IsOptional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name?: string;

  @IsOptional()
  /** 10–128 characters, not a common password: checked by the password policy. */
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(200)
  password?: string;

  @IsOptional()
  @IsArray()
  @IsInt({ each: true })
  @ArrayMaxSize(50)
  groupIds?: number[];

  @IsOptional()
  @IsString()
  @MaxLength(100)
  branch?: string | null;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
