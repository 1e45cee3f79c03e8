import { AuditService } from '@madoguchi/core';
import { Body, Controller, Get, Injectable, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../permissions/decorators';
import { Principal } from '../permissions/principal';
import { SignatureDto } from './signature.dto';
import { StaffUser } from './staff-user.entity';

/** Each user's own signature, kept on their user row. */
@Injectable()
export class SignatureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(userId: number): Promise<SignatureDto> {
    const row = await this.dataSource.getRepository(StaffUser).createQueryBuilder('u').select('u.id').addSelect('u.signature').where('u.id = :id', { id: userId }).getOne();
    return { signature: row?.signature ?? '' };
  }

  async set(p: Principal, signature: string): Promise<SignatureDto> {
    // Trailing blank lines would push the signature away from the text it closes.
    const value = signature.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
    await this.dataSource.getRepository(StaffUser).update({ id: p.userId }, { signature: value === '' ? null : value });
    await this.audit.record(p.actor, { entity: 'user', entityId: p.userId, action: 'signature' });
    return { signature: value };
  }
}

/** The signed-in user's own signature; anyone signed in, for themselves only. */
@ApiTags('users')
@Controller('me/signature')
export class SignatureController {
  constructor(private readonly signatures: SignatureService) {}

  @Get()
  @ApiOkResponse({ type: SignatureDto })
  get(@CurrentPrincipal() p: Principal): Promise<SignatureDto> {
    return this.signatures.get(p.userId);
  }

  @Put()
  @ApiOkResponse({ type: SignatureDto })
  put(@Body() dto: SignatureDto, @CurrentPrincipal() p: Principal): Promise<SignatureDto> {
    return this.signatures.set(p, dto.signature);
  }
}
