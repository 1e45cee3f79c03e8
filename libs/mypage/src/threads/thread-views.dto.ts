import { ApiProperty } from '@nestjs/swagger';

/** Response shapes of the thread routes, for the OpenAPI document (the services answer these). */

export class ThreadCustomerRef {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String }) code: string;
  @ApiProperty({ type: String, description: '姓 名' }) name: string;
  /** リスト区分 (staff only: the portal's views never carry it). */
  @ApiProperty({ enum: ['normal', 'grey', 'black'] }) listFlag: 'normal' | 'grey' | 'black';
}

export class ThreadListItemView {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String, example: 'MS001826' }) code: string;
  @ApiProperty({ type: String }) title: string;
  @ApiProperty({ type: ThreadCustomerRef }) customer: ThreadCustomerRef;
  @ApiProperty({ type: String, format: 'date-time' }) lastPostAt: string;
  @ApiProperty({ type: Boolean, description: "NEW: the customer's latest post is unread by staff" })
  isNew: boolean;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The thread's ticket (named by /api/events when the thread changes)",
  })
  ticketId: number | null;
}

export class ThreadListPageView {
  @ApiProperty({ type: [ThreadListItemView] }) items: ThreadListItemView[];
  @ApiProperty({ type: Number }) total: number;
  @ApiProperty({ type: Number }) page: number;
  @ApiProperty({ type: Number }) pageSize: number;
}

export class PostFileViewDto {
  @ApiProperty({ type: String }) filename: string;
  @ApiProperty({ type: String }) contentType: string;
  @ApiProperty({ type: Number }) size: number;
  @ApiProperty({ type: String, description: 'Where the bytes are read (in the realm that asked)' })
  url: string;
}

export class StaffRef {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String }) name: string;
}

export class StaffPostViewDto {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ enum: ['customer', 'staff'] }) author: 'customer' | 'staff';
  @ApiProperty({ type: StaffRef, nullable: true }) staff: StaffRef | null;
  @ApiProperty({ enum: ['text', 'image', 'file'] }) kind: 'text' | 'image' | 'file';
  @ApiProperty({ type: String, nullable: true }) text: string | null;
  @ApiProperty({ type: PostFileViewDto, nullable: true }) file: PostFileViewDto | null;
  @ApiProperty({
    enum: ['pending', 'visible'],
    description: 'visible: on the portal; pending: a staff post not yet out',
  })
  state: 'pending' | 'visible';
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "A staff post's reply (approve/reject it with /api/replies/:id/…)",
  })
  replyId: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: [
      'draft',
      'awaiting_approval',
      'rejected',
      'queued',
      'retrying',
      'sent',
      'captured',
      'failed',
      'cancelled',
    ],
  })
  replyStatus: string | null;
  @ApiProperty({ type: Number, nullable: true }) articleId: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) visibleAt: string | null;
}

export class StaffThreadViewDto {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String }) code: string;
  @ApiProperty({ type: String }) title: string;
  @ApiProperty({ type: String, nullable: true }) label: string | null;
  @ApiProperty({ type: String, nullable: true }) memo: string | null;
  @ApiProperty({ type: ThreadCustomerRef }) customer: ThreadCustomerRef;
  @ApiProperty({ type: Number }) mailboxId: number;
  @ApiProperty({ type: Number, nullable: true }) ticketId: number | null;
  @ApiProperty({ type: StaffRef, nullable: true }) createdBy: StaffRef | null;
  @ApiProperty({ type: Boolean }) createdByCustomer: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) lastPostAt: string;
  @ApiProperty({ type: Boolean }) isNew: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: [StaffPostViewDto] }) posts: StaffPostViewDto[];
}

export class CreatedThreadView {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String }) code: string;
}

export class DeletedThreadsView {
  @ApiProperty({ type: Number }) deleted: number;
}

export class PortalPostViewDto {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ enum: ['customer', 'staff'] }) author: 'customer' | 'staff';
  @ApiProperty({ type: String }) authorName: string;
  @ApiProperty({ enum: ['text', 'image', 'file'] }) kind: 'text' | 'image' | 'file';
  @ApiProperty({ type: String, nullable: true }) text: string | null;
  @ApiProperty({ type: PostFileViewDto, nullable: true }) file: PostFileViewDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
}

export class PortalThreadItemView {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: String }) code: string;
  @ApiProperty({ type: String }) title: string;
  @ApiProperty({ type: String, format: 'date-time' }) lastPostAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({
    type: Boolean,
    description: 'A staff post reached the portal since the customer last opened the thread',
  })
  hasNewStaffPosts: boolean;
}

export class PortalThreadListView {
  @ApiProperty({ type: [PortalThreadItemView] }) items: PortalThreadItemView[];
  @ApiProperty({ type: Number }) total: number;
  @ApiProperty({ type: Boolean }) customersMayStartThreads: boolean;
}

export class PortalThreadViewDto extends PortalThreadItemView {
  @ApiProperty({ type: [PortalPostViewDto] }) posts: PortalPostViewDto[];
}

export class WithdrawalView {
  @ApiProperty({ type: String, format: 'date-time' }) requestedAt: string;
}

export class MypageSettingsViewDto {
  @ApiProperty({ type: Number, nullable: true }) mailboxId: number | null;
  @ApiProperty({ type: Boolean }) customersMayStartThreads: boolean;
  @ApiProperty({ type: [Number] }) fallbackRecipients: number[];
}
