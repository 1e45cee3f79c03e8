import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const HEX = /^#[0-9a-fA-F]{6}$/;

/** A new label of the mailbox's catalogue. */
export class CreateLabelDto {
  /** 1..50 characters, unique in the mailbox (case and 全角/半角 aside). */
  @ApiProperty({ example: '至急', maxLength: 50 })
  @IsString({ message: 'name must be text' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(50, { message: 'name must be at most 50 characters' })
  name: string;

  /** `#rrggbb`: one of the console's palette or any other; a palette colour when left out. */
  @ApiPropertyOptional({ example: '#e53935', pattern: '^#[0-9a-fA-F]{6}$' })
  @IsOptional()
  @IsString()
  @Matches(HEX, { message: 'color must be #rrggbb' })
  color?: string;
}

/** A rename or a new colour; only what is given changes. */
export class UpdateLabelDto {
  @ApiPropertyOptional({ example: '大至急', maxLength: 50 })
  @IsOptional()
  @IsString({ message: 'name must be text' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(50, { message: 'name must be at most 50 characters' })
  name?: string;

  @ApiPropertyOptional({ example: '#1e88e5', pattern: '^#[0-9a-fA-F]{6}$' })
  @IsOptional()
  @IsString()
  @Matches(HEX, { message: 'color must be #rrggbb' })
  color?: string;
}
