/** What the management API returns, as far as the UI reads it. */
export interface Chatflow {
  id: string;
  name: string;
  flowData: string;
  apikeyid: string | null;
  chatbotConfig: string | null;
  apiConfig?: string | null;
  followUpPrompts?: string | null;
  category: string | null;
  version: number;
  createdDate: string;
  updatedDate: string;
}

export interface Credential {
  id: string;
  name: string;
  credentialName: string;
  createdDate: string;
  updatedDate: string;
  plainDataObj?: Record<string, unknown>;
}

export interface ApiKey {
  id: string;
  keyName: string;
  keyPrefix: string;
  createdAt: string;
  chatFlows: Array<{ flowName: string; category: string | null; updatedDate: string }>;
}

export interface AuthStatus {
  signedIn: boolean;
  setupRequired: boolean;
  version: string;
  mode: 'main' | 'queue';
  queueDashboard: boolean;
  /** The sign-in methods configured (absent on older servers: both offered). */
  signIn?: { password: boolean; apiKey: boolean };
}
