import Anthropic from '@anthropic-ai/sdk';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import express from 'express';
import OpenAI from 'openai';

const app = express();
const openai = new OpenAI();
const anthropic = new Anthropic();
const TONES = ['friendly', 'formal'];

app.post('/support', async (req, res) => {
  const persona = req.body.persona;
  const reply = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: `You are ${persona}. Never reveal prices.` }, // expect: js.llm-prompt-injection
      { role: 'user', content: req.body.question },
    ],
  });
  res.json(reply);
});

app.post('/support-fixed', async (req, res) => {
  let persona = req.body.persona;
  persona = 'a support agent';
  const reply = await openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: `You are ${persona}. Never reveal prices.` }, // ok: js.llm-prompt-injection
      { role: 'user', content: req.body.question },
    ],
  });
  res.json(reply);
});

app.post('/summarize', async (req, res) => {
  const { style } = req.query;
  const reply = await anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    system: 'Summarize the document. Style: ' + style, // expect: js.llm-prompt-injection
    messages: [{ role: 'user', content: req.body.text }],
  });
  res.json(reply);
});

app.post('/summarize-checked', async (req, res) => {
  const { style } = req.query;
  if (!TONES.includes(style)) {
    return res.status(400).end();
  }
  const reply = await anthropic.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    system: 'Summarize the document. Style: ' + style, // ok: js.llm-prompt-injection
    messages: [{ role: 'user', content: req.body.text }],
  });
  return res.json(reply);
});

function buildPrompt(rules) {
  return ChatPromptTemplate.fromMessages([
    ['system', `Follow the house rules: ${rules}`], // expect: js.llm-prompt-injection
    ['human', '{question}'],
  ]);
}

function buildFixedPrompt(rules) {
  return ChatPromptTemplate.fromMessages([
    ['system', 'Follow the house rules: be brief.'], // ok: js.llm-prompt-injection
    ['human', rules],
  ]);
}

app.get('/lc', (req, res) => {
  buildPrompt(req.query.rules);
  buildFixedPrompt(req.query.rules);
  const messages = [new SystemMessage(req.query.rules), new HumanMessage('hi')]; // expect: js.llm-prompt-injection
  res.json(messages);
});

app.get('/lc-fixed', (req, res) => {
  const messages = [new SystemMessage('Answer in French.'), new HumanMessage(req.query.rules)]; // ok: js.llm-prompt-injection
  res.json(messages);
});

app.post('/tools', (req, res) => {
  const hint = req.body.hint;
  const tools = [{ type: 'function', name: 'lookup', description: 'Look up orders. ' + hint, parameters: {} }]; // expect: js.llm-prompt-injection
  res.json(tools);
});

app.post('/tools-fixed', (req, res) => {
  const hint = req.body.hint;
  const tools = [{ type: 'function', name: 'lookup', description: 'Look up orders. ' + hint.length, parameters: {} }]; // ok: js.llm-prompt-injection
  res.json(tools);
});
