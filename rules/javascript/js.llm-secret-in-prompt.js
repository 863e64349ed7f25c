import Anthropic from '@anthropic-ai/sdk';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import OpenAI from 'openai';

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY }); // ok: js.llm-secret-in-prompt
const anthropic = new Anthropic({ apiKey: process.env['ANTHROPIC_API_KEY'] }); // ok: js.llm-secret-in-prompt

export function debugConnection() {
  const token = process.env.GITHUB_TOKEN;
  return openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'system', content: `Use token ${token} to call the API.` }], // expect: js.llm-secret-in-prompt
  });
}

export function debugConnectionFixed() {
  let token = process.env.GITHUB_TOKEN;
  token = '<configured in the tool>';
  return openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'system', content: `Use token ${token} to call the API.` }], // ok: js.llm-secret-in-prompt
  });
}

export function support(question) {
  const password = process.env.DB_PASSWORD ?? '';
  return anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    system: 'The database password is ' + password, // expect: js.llm-secret-in-prompt
    messages: [{ role: 'user', content: question }],
  });
}

export function supportFixed(question) {
  const password = process.env.DB_PASSWORD ?? '';
  return anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    system: 'The database password is set: ' + (password.length > 0), // ok: js.llm-secret-in-prompt
    messages: [{ role: 'user', content: question }],
  });
}

export function lcPrompt(llm) {
  return llm.invoke([new SystemMessage('Sign requests with ' + process.env.SIGNING_SECRET)]); // expect: js.llm-secret-in-prompt
}

export function lcPromptFixed(llm) {
  return llm.invoke([new SystemMessage('Sign requests with the signing tool.'), new HumanMessage(process.env.SITE_NAME)]); // ok: js.llm-secret-in-prompt
}

export function responsesInput() {
  const values = { key: process.env.STRIPE_SECRET_KEY, name: 'shop' };
  return openai.responses.create({ model: 'gpt-4o', input: 'Shop ' + values.key }); // expect: js.llm-secret-in-prompt
}

export function responsesInputFixed() {
  const values = { key: process.env.STRIPE_SECRET_KEY, name: 'shop' };
  return openai.responses.create({ model: 'gpt-4o', input: 'Shop ' + values.name }); // ok: js.llm-secret-in-prompt
}

function helperPrompt(text) {
  return openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: text }] }); // expect: js.llm-secret-in-prompt
}

export function leaksThroughHelper() {
  return helperPrompt('my key is ' + process.env.OPENAI_API_KEY);
}

export function passesNoSecretToHelper() {
  return helperPrompt('my key is configured');
}
