export * from './reply-approval.machine';
export * from './ticket-lifecycle.machine';
export * from './workflow-history.service';
export * from './workflow.runner';
export * from './workflow-transition.entity';
export * from './workflow.module';
