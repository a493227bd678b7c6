/**
 * Code for the API Endpoint dialog: how to embed the chat widget and call the prediction API. The
 * widget script is the server's own copy of flowise-embed's `web.js` (`/embed/web.js`), so embeds work
 * where the CDN is blocked.
 */
export interface SnippetInput {
  origin: string;
  chatflowId: string;
  /** The API key the chatflow is bound to: the snippets send `YOUR_API_KEY` and name the key in a comment. */
  apiKey?: { name: string; prefix: string };
}

/** The placeholder every snippet sends as the key: valid in all three languages, never a real secret. */
export const API_KEY_PLACEHOLDER = 'YOUR_API_KEY';

/** A one-line comment body naming the key (line breaks, which would end the comment, become spaces). */
function keyNote(key: { name: string; prefix: string }): string {
  const name = key.name.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return `Replace ${API_KEY_PLACEHOLDER} with the API key "${name}" (${key.prefix}…)`;
}

export function embedPopup({ origin, chatflowId }: SnippetInput): string {
  return `<script type="module">
  import Chatbot from "${origin}/embed/web.js"
  Chatbot.init({
    chatflowid: "${chatflowId}",
    apiHost: "${origin}",
  })
</script>`;
}

export function embedFullPage({ origin, chatflowId }: SnippetInput): string {
  return `<flowise-fullchatbot></flowise-fullchatbot>
<script type="module">
  import Chatbot from "${origin}/embed/web.js"
  Chatbot.initFull({
    chatflowid: "${chatflowId}",
    apiHost: "${origin}",
  })
</script>`;
}

const url = ({ origin, chatflowId }: SnippetInput) => `${origin}/api/v1/prediction/${chatflowId}`;

export function curlSnippet(input: SnippetInput): string {
  const note = input.apiKey ? `# ${keyNote(input.apiKey)}\n` : '';
  const auth = input.apiKey ? ` \\\n     -H "Authorization: Bearer ${API_KEY_PLACEHOLDER}"` : '';
  return `${note}curl ${url(input)} \\
     -X POST \\
     -d '{"question": "Hey, how are you?"}' \\
     -H "Content-Type: application/json"${auth}`;
}

export function javascriptSnippet(input: SnippetInput): string {
  const note = input.apiKey ? `// ${keyNote(input.apiKey)}\n` : '';
  const auth = input.apiKey ? `\n      "Authorization": "Bearer ${API_KEY_PLACEHOLDER}",` : '';
  return `${note}async function query(data) {
  const response = await fetch("${url(input)}", {
    method: "POST",
    headers: {${auth}
      "Content-Type": "application/json",
    },
    body: JSON.stringify(data),
  });
  return response.json();
}

query({ question: "Hey, how are you?" }).then((response) => console.log(response));`;
}

export function pythonSnippet(input: SnippetInput): string {
  const headers = input.apiKey ? `\n# ${keyNote(input.apiKey)}\nheaders = {"Authorization": "Bearer ${API_KEY_PLACEHOLDER}"}` : '';
  const arg = input.apiKey ? ', headers=headers' : '';
  return `import requests

API_URL = "${url(input)}"${headers}

def query(payload):
    response = requests.post(API_URL, json=payload${arg})
    return response.json()

output = query({"question": "Hey, how are you?"})
print(output)`;
}
