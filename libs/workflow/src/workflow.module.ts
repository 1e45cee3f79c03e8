import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkflowHistory } from './workflow-history.service';
import { WorkflowRunner } from './workflow.runner';
import { WorkflowTransition } from './workflow-transition.entity';

@Module({
  imports: [TypeOrmModule.forFeature([WorkflowTransition])],
  providers: [WorkflowRunner, WorkflowHistory],
  exports: [WorkflowRunner, WorkflowHistory, TypeOrmModule],
})
export class WorkflowModule {}
