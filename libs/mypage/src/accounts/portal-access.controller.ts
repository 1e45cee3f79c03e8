import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PortalAccessDto } from './portal-auth.dto';
import { PortalAccessService } from './portal-access.service';

/**
 * Staff routes on the karte for a customer's MYPAGE access. They need the `mypage` right (the
 * one MYPAGE is administered with; admin has it); an unknown customer is 404.
 */
@ApiTags('mypage')
@Controller('customers/:id')
export class PortalAccessController {
  constructor(private readonly access: PortalAccessService) {}

  /** Mails the customer a one-time link (72 h) to set a MYPAGE password. */
  @Post('portal-invitation')
  @RequireRights('mypage')
  invite(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.access.invite(id, p);
  }

  /** The customer's MYPAGE state: none, invited, active or disabled, and the last sign-in. */
  @Get('portal-access')
  @RequireRights('mypage')
  view(@Param('id', ParseIntPipe) id: number) {
    return this.access.view(id);
  }

  /** `{enabled:false}` ends the customer's sessions at once; `{enabled:true}` gives access back. */
  @Put('portal-access')
  @RequireRights('mypage')
  setEnabled(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: PortalAccessDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.access.setEnabled(id, dto.enabled, p);
  }
}
