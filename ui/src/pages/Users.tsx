import { PlaceholderPage } from './Placeholder';

export function UsersPage() {
  return <PlaceholderPage title="Users" text="User and token management: not built yet (use `vigie user` meanwhile)." />;
}
