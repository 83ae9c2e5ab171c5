// The official openai npm package talking to ragstream's /v1/chat/completions, as any OpenAI SDK
// user would: node openai-client.mjs <gateway base URL> <chat key> <tenant> <question>.
// Prints one JSON line per check for OpenAiClientIT to assert on.
import OpenAI from 'openai';

const [base, key, tenant, question] = process.argv.slice(2);
const client = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0 });
const model = `ragstream:${tenant}`;
const messages = [{ role: 'user', content: question }];

const completion = await client.chat.completions.create({ model, messages });
console.log(JSON.stringify({ check: 'completion', model: completion.model, object: completion.object,
  content: completion.choices[0].message.content, finish: completion.choices[0].finish_reason,
  usage: completion.usage }));

const stream = await client.chat.completions.create({ model, messages, stream: true });
let streamed = '';
let chunks = 0;
let finish = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? '';
  finish = chunk.choices[0]?.finish_reason ?? finish;
}
console.log(JSON.stringify({ check: 'stream', content: streamed, chunks, finish }));

const headerTenant = new OpenAI({ apiKey: key, baseURL: `${base}/v1`, maxRetries: 0,
  defaultHeaders: { 'X-Tenant-ID': tenant } });
const viaHeader = await headerTenant.chat.completions.create({ model: 'any-model', messages });
console.log(JSON.stringify({ check: 'header', content: viaHeader.choices[0].message.content }));

try {
  await new OpenAI({ apiKey: 'wrong-key', baseURL: `${base}/v1`, maxRetries: 0 })
    .chat.completions.create({ model, messages });
  console.log(JSON.stringify({ check: 'wrong-key', status: 200 }));
} catch (e) {
  console.log(JSON.stringify({ check: 'wrong-key', status: e.status, name: e.constructor.name }));
}
