/**
 * Credential types (Flowise's `INodeCredential`: `GET /api/v1/components-credentials`): the fields a
 * stored credential of each type holds. Nodes name the types they accept in `credential.names`; the
 * editor builds the "Create New" form from these fields; `password` fields are masked when shown.
 */

export interface CredentialField {
  label: string;
  name: string;
  type: 'string' | 'password' | 'number' | 'boolean' | 'json';
  optional?: boolean;
  description?: string;
  placeholder?: string;
  default?: string;
}

export interface CredentialType {
  /** Flowise's credential name, e.g. `openAIApi`; the `credentialName` of stored credentials. */
  name: string;
  label: string;
  description?: string;
  inputs: CredentialField[];
}

export const CREDENTIAL_TYPES: readonly CredentialType[] = [
  {
    name: 'openAIApi',
    label: 'OpenAI API',
    description: 'An API key from platform.openai.com, or from any OpenAI-compatible server.',
    inputs: [{ label: 'OpenAI API Key', name: 'openAIApiKey', type: 'password' }],
  },
  {
    name: 'anthropicApi',
    label: 'Anthropic API',
    description: 'An API key from console.anthropic.com.',
    inputs: [{ label: 'Anthropic API Key', name: 'anthropicApiKey', type: 'password' }],
  },
  {
    name: 'ollamaApi',
    label: 'Ollama API',
    description: 'A bearer key for an Ollama server behind an authenticating proxy; leave unset for a plain Ollama.',
    inputs: [{ label: 'Ollama API Key', name: 'ollamaApiKey', type: 'password', optional: true }],
  },
  // agents branch: more chat models and the search tools
  {
    name: 'azureOpenAIApi',
    label: 'Azure OpenAI API',
    description: 'A key and the names of an Azure OpenAI resource and deployment.',
    inputs: [
      { label: 'Azure OpenAI Api Key', name: 'azureOpenAIApiKey', type: 'password' },
      { label: 'Azure OpenAI Api Instance Name', name: 'azureOpenAIApiInstanceName', type: 'string', placeholder: 'YOUR-INSTANCE-NAME' },
      { label: 'Azure OpenAI Api Deployment Name', name: 'azureOpenAIApiDeploymentName', type: 'string', placeholder: 'YOUR-DEPLOYMENT-NAME' },
      { label: 'Azure OpenAI Api Version', name: 'azureOpenAIApiVersion', type: 'string', placeholder: '2024-10-21', description: 'The API version of the deployment' },
    ],
  },
  {
    name: 'mistralAIApi',
    label: 'MistralAI API',
    description: 'An API key from console.mistral.ai.',
    inputs: [{ label: 'MistralAI API Key', name: 'mistralAIAPIKey', type: 'password' }],
  },
  {
    name: 'localAIApi',
    label: 'LocalAI API',
    description: 'An API key for a LocalAI server that requires one (LocalAI Embeddings).',
    inputs: [{ label: 'LocalAI Api Key', name: 'localAIApiKey', type: 'password' }],
  },
  {
    name: 'googleGenerativeAI',
    label: 'Google Generative AI',
    description: 'A Gemini API key from Google AI Studio.',
    inputs: [{ label: 'Google AI API Key', name: 'googleGenerativeAPIKey', type: 'password' }],
  },
  {
    name: 'groqApi',
    label: 'Groq API',
    description: 'An API key from console.groq.com.',
    inputs: [{ label: 'Groq Api Key', name: 'groqApiKey', type: 'password' }],
  },
  {
    name: 'deepseekApi',
    label: 'DeepseekAI API',
    description: 'An API key from platform.deepseek.com.',
    inputs: [{ label: 'DeepseekAI API Key', name: 'deepseekApiKey', type: 'password' }],
  },
  {
    name: 'serpApi',
    label: 'Serp API',
    description: 'An API key from serpapi.com.',
    inputs: [{ label: 'Serp Api Key', name: 'serpApiKey', type: 'password' }],
  },
  {
    name: 'serperApi',
    label: 'Serper API',
    description: 'An API key from serper.dev.',
    inputs: [{ label: 'Serper Api Key', name: 'serperApiKey', type: 'password' }],
  },
  {
    name: 'googleCustomSearchApi',
    label: 'Google Custom Search API',
    description: 'A Google API key and the id of a Programmable Search Engine.',
    inputs: [
      { label: 'Google Custom Search Api Key', name: 'googleCustomSearchApiKey', type: 'password' },
      { label: 'Programmable Search Engine ID', name: 'googleCustomSearchApiId', type: 'string' },
    ],
  },
  // rag-engine branch: the postgres vector store.
  {
    name: 'PostgresApi',
    label: 'Postgres API',
    description: 'The user and password of a PostgreSQL database that holds vectors.',
    inputs: [
      { label: 'User', name: 'user', type: 'string', placeholder: '<POSTGRES_USERNAME>' },
      { label: 'Password', name: 'password', type: 'password', placeholder: '<POSTGRES_PASSWORD>' },
    ],
  },
];

export function credentialType(name: string): CredentialType | undefined {
  return CREDENTIAL_TYPES.find((type) => type.name === name);
}
