import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SearchQueryDto } from './search.dto';
import { SearchService } from './search.service';

@ApiTags('search')
@Controller()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /**
   * One search over every mailbox the caller may view and every state (narrowed by the filters
   * given): `{items: [{ticket, snippet, marks, articleId}], total, counts, direct}`. `marks` are
   * [start, end) character offsets of the hits in `snippet`; `counts` are per state for the
   * query; `direct` names the ticket when `q` is its code or a Message-ID of it.
   */
  @Get('search')
  find(@Query() query: SearchQueryDto, @CurrentPrincipal() p: Principal) {
    return this.search.search(query, p);
  }
}
