import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PLACEHOLDERS } from './placeholders';
import { CreateTemplateDto, TemplateQueryDto, UpdateTemplateDto } from './template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  /** The mailbox's own templates and the shared ones, by name; without `mailboxId` only the shared ones. */
  @Get()
  @ApiOperation({ summary: 'List templates' })
  @ApiNotFoundResponse({ description: 'The mailbox does not exist or the user may not view it' })
  list(@Query() query: TemplateQueryDto, @CurrentPrincipal() p: Principal) {
    return this.templates.list(query, p);
  }

  /** The placeholders a template may use, without braces (`customer.name`, …). */
  @Get('placeholders')
  @ApiOperation({ summary: 'List the known placeholders' })
  placeholders() {
    return PLACEHOLDERS;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one template' })
  @ApiNotFoundResponse({ description: 'The template does not exist or its mailbox is hidden from the user' })
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.templates.visible(id, p);
  }

  /**
   * Needs the manage right on the mailbox, or admin for a shared template (no `mailboxId`).
   * Body and signature templates need `body`; sender templates at least one of `fromName`,
   * `fromAddress`, `replyTo`. An unknown or unclosed placeholder is a 400 naming it under its field.
   */
  @Post()
  @ApiOperation({ summary: 'Create a template' })
  @ApiBadRequestResponse({ description: 'Invalid fields, e.g. fields.body: ["unknown placeholder {{customer.nmae}} — known: …"]' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox, or a shared template by a non-admin' })
  create(@Body() dto: CreateTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.templates.create(dto, p);
  }

  /** Same rights and checks as create; the mailbox cannot be changed. Changing `kind` drops the other kind's fields. */
  @Patch(':id')
  @ApiOperation({ summary: 'Update a template' })
  @ApiBadRequestResponse({ description: 'Invalid fields, unknown or unclosed placeholders' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox, or a shared template by a non-admin' })
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.templates.update(id, dto, p);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a template' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: 'No manage right on the mailbox, or a shared template by a non-admin' })
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.templates.remove(id, p);
  }
}
