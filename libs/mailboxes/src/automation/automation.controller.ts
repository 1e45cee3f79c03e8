import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateFolderDto, CustomerLinkDto, DeleteFolderQueryDto, JournalDto, UpdateFolderDto } from './automation.dto';
import { AutomationService } from './automation.service';

/** Folders, journal mail (ジャーナルメール) and the customer database link of a mailbox (routing rules: tickets' RoutingRulesController). */
@ApiTags('mailbox automation')
@Controller('mailboxes/:id')
export class AutomationController {
  constructor(private readonly automation: AutomationService) {}

  /** The mailbox's folders (flat, with `parentId`), each with its ticket count. */
  @Get('folders')
  folders(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.automation.folders(id, p);
  }

  /** `{name, parentId?}`. */
  @Post('folders')
  createFolder(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateFolderDto, @CurrentPrincipal() p: Principal) {
    return this.automation.createFolder(id, dto, p);
  }

  /** Rename and/or move under another folder (`parentId`, null = top level). */
  @Patch('folders/:folderId')
  updateFolder(@Param('id', ParseIntPipe) id: number, @Param('folderId', ParseIntPipe) folderId: number, @Body() dto: UpdateFolderDto, @CurrentPrincipal() p: Principal) {
    return this.automation.updateFolder(id, folderId, dto, p);
  }

  /** Deletes a folder; a folder holding tickets needs `?moveTo=<folderId>|root` (409 says how many otherwise). */
  @Delete('folders/:folderId')
  deleteFolder(@Param('id', ParseIntPipe) id: number, @Param('folderId', ParseIntPipe) folderId: number, @Query() q: DeleteFolderQueryDto, @CurrentPrincipal() p: Principal) {
    return this.automation.deleteFolder(id, folderId, q.moveTo, p);
  }

  @Get('journal')
  journal(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.automation.journal(id, p);
  }

  /** `{enabled, recipients:[…], folderIds?:[…]}`: one mail per new inquiry to each recipient. */
  @Put('journal')
  setJournal(@Param('id', ParseIntPipe) id: number, @Body() dto: JournalDto, @CurrentPrincipal() p: Principal) {
    return this.automation.setJournal(id, dto, p);
  }

  @Get('customer-link')
  customerLink(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.automation.customerLink(id, p);
  }

  /**
   * データベース自動連携 `{enabled, matchBy: email|phone, fieldMap:{formFieldKey: customerField}}`:
   * each new inquiry is linked to its customer, created as 仮登録 when none matches.
   */
  @Put('customer-link')
  setCustomerLink(@Param('id', ParseIntPipe) id: number, @Body() dto: CustomerLinkDto, @CurrentPrincipal() p: Principal) {
    return this.automation.setCustomerLink(id, dto, p);
  }
}
