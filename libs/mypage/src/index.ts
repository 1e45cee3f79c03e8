export * from './mypage.module';
export * from './accounts/portal-access.service';
export * from './accounts/portal-auth.service';
export * from './accounts/portal-cookies';
export { CurrentCustomer, PortalAnonymous, PortalGuard } from './accounts/portal.guard';
export type { PortalRequest } from './accounts/portal.guard';
