import { Foundation1763900000000 } from './1763900000000-foundation';
import { Email1763900000001 } from './1763900000001-email';
import { Workflow1763900000002 } from './1763900000002-workflow';
import { Templates1763900000003 } from './1763900000003-templates';
import { Automation1763900000004 } from './1763900000004-automation';
import { Forms1763900000005 } from './1763900000005-forms';
import { TicketActivity1763900000006 } from './1763900000006-ticket-activity';
import { SentCopy1763900000007 } from './1763900000007-sent-copy';
import { AuthHardening1763900000008 } from './1763900000008-auth-hardening';
import { ForwardedMail1763900000010 } from './1763900000010-forwarded-mail';
import { UploadHygiene1763900000009 } from './1763900000009-upload-hygiene';
import { IntakeState1763900000011 } from './1763900000011-intake-state';
import { CapturedMail1763900000014 } from './1763900000014-captured-mail';
import { IntakeErrorCode1763900000015 } from './1763900000015-intake-error-code';
import { DeliveryState1763900000016 } from './1763900000016-delivery-state';
import { OutboxChannels1763900000017 } from './1763900000017-outbox-channels';
import { Labels1763900000018 } from './1763900000018-labels';
import { MergeSpam1763900000019 } from './1763900000019-merge-spam';
import { PresenceDrafts1763900000020 } from './1763900000020-presence-drafts';
import { SavedViews1763900000021 } from './1763900000021-saved-views';
import { AfterSend1763900000023 } from './1763900000023-after-send';
import { TicketListIndexes1763900000022 } from './1763900000022-ticket-list-indexes';
import { History1763900000024 } from './1763900000024-history';
import { OutboxPurpose1763900000027 } from './1763900000027-outbox-purpose';
import { CtiTokens1763900000025 } from './1763900000025-cti-tokens';
import { TicketSearch1763900000028 } from './1763900000028-ticket-search';

/** Every migration, in order. Imported explicitly so the bundled server needs no glob. */
export const migrations = [Foundation1763900000000, Email1763900000001, Workflow1763900000002, Templates1763900000003, Automation1763900000004, Forms1763900000005, TicketActivity1763900000006, SentCopy1763900000007, AuthHardening1763900000008, UploadHygiene1763900000009, ForwardedMail1763900000010, IntakeState1763900000011, CapturedMail1763900000014, IntakeErrorCode1763900000015, DeliveryState1763900000016, OutboxChannels1763900000017, Labels1763900000018, MergeSpam1763900000019, PresenceDrafts1763900000020, SavedViews1763900000021, TicketListIndexes1763900000022, AfterSend1763900000023, History1763900000024, CtiTokens1763900000025, OutboxPurpose1763900000027, TicketSearch1763900000028];
