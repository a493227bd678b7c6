/**
 * Code for the API Endpoint dialog: how to embed the chat widget and call the prediction API. The
 * widget script is the server's own copy of flowise-embed's `web.js` (`/embed/web.js`), so embeds work
 * where the CDN is blocked.
 */
export interface SnippetInput {
  origin: string;
  chatflowId: string;
  /** The API key the chatflow is bound to, when the caller chose to show it. */
  apiKey?: string;
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
  const auth = input.apiKey ? ` \\\n     -H "Authorization: Bearer ${input.apiKey}"` : '';
  return `curl ${url(input)} \\
     -X POST \\
     -d '{"question": "Hey, how are you?"}' \\
     -H "Content-Type: application/json"${auth}`;
}

export function javascriptSnippet(input: SnippetInput): string {
  const auth = input.apiKey ? `\n      "Authorization": "Bearer ${input.apiKey}",` : '';
  return `async function query(data) {
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
  const headers = input.apiKey ? `\nheaders = {"Authorization": "Bearer ${input.apiKey}"}` : '';
  const arg = input.apiKey ? ', headers=headers' : '';
  return `import requests

API_URL = "${url(input)}"${headers}

def query(payload):
    response = requests.post(API_URL, json=payload${arg})
    return response.json()

output = query({"question": "Hey, how are you?"})
print(output)`;
}
