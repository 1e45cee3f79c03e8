import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class CreateMailboxDto {
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  @IsEmail({}, { message: 'address must be a valid email address' })
  @MaxLength(254)
  address: string;
}
