import { parseArgs } from 'node:util';
import { FakeLlmServer } from '../test/fixtures/fake-llm-server.js';

/** The fake OpenAI-compatible provider as its own process, for the benchmark. */
process.title = 'aim-fake-llm';
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const server = new FakeLlmServer({ record: false });
await server.start(Number(values.port));
console.log(`fake llm ready ${server.port}`);
process.on('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
