import { HubConnectionCard } from '../components/HubConnectionCard.tsx';
import { IntegrationsCard } from '../components/settings/IntegrationsCard.tsx';
import { PasswordCard } from '../components/settings/PasswordCard.tsx';
import { TokensCard } from '../components/settings/TokensCard.tsx';
import '../styles/admin.css';
import '../styles/settings.css';

/** Access to the hub: the owner password, API tokens, MQTT integration accounts, and the TLS certificate. */
export default function SettingsPage() {
  return (
    <>
      <h1 className="page-title" tabIndex={-1}>
        Settings
      </h1>
      <div className="settings-grid">
        <div>
          <PasswordCard />
          <TokensCard />
          <HubConnectionCard />
        </div>
        <div>
          <IntegrationsCard />
        </div>
      </div>
    </>
  );
}
