import { generateText } from 'ai';
import express from 'express';
import OpenAI from 'openai';

const app = express();
const openai = new OpenAI();
const LIMIT = 1024;

app.post('/draft', async (req, res) => {
  const length = Number(req.body.max_tokens ?? 256);
  res.json(await openai.chat.completions.create({ model: 'gpt-4o', messages: [], max_tokens: length })); // expect: js.llm-unbounded-consumption
});

app.post('/draft-clamped', async (req, res) => {
  const length = Math.min(Number(req.body.max_tokens ?? 256), LIMIT);
  res.json(await openai.chat.completions.create({ model: 'gpt-4o', messages: [], max_tokens: length })); // ok: js.llm-unbounded-consumption
});

app.get('/variants', async (req, res) => {
  const count = parseInt(req.query.count, 10);
  res.json(await openai.chat.completions.create({ model: 'gpt-4o', messages: [], n: count })); // expect: js.llm-unbounded-consumption
});

app.get('/variants-fixed', async (req, res) => {
  let count = parseInt(req.query.count, 10);
  count = 3;
  res.json(await openai.chat.completions.create({ model: 'gpt-4o', messages: [], n: count })); // ok: js.llm-unbounded-consumption
});

app.get('/long', async (req, res) => {
  const options = { budget: req.query.budget, fallback: 512 };
  res.json(await generateText({ model: req.app.locals.model, prompt: 'hi', maxOutputTokens: options.budget })); // expect: js.llm-unbounded-consumption
});

app.get('/long-fixed', async (req, res) => {
  const options = { budget: req.query.budget, fallback: 512 };
  res.json(await generateText({ model: req.app.locals.model, prompt: 'hi', maxOutputTokens: options.fallback })); // ok: js.llm-unbounded-consumption
});
