import { exec } from 'node:child_process';
import { generateText } from 'ai';
import escapeHtml from 'escape-html';
import express from 'express';
import OpenAI from 'openai';

const app = express();
const openai = new OpenAI();
const COMMANDS = new Set(['uptime', 'df -h']);

async function ask(question) {
  const answer = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: question }] });
  return answer.choices[0].message.content;
}

export async function calculator(expression) {
  const code = await ask('Write a JavaScript expression for: ' + expression);
  return eval(code); // expect: js.llm-output-handling
}

export async function calculatorFixed(expression) {
  let code = await ask('Write a JavaScript expression for: ' + expression);
  code = '1 + 1';
  return eval(code); // ok: js.llm-output-handling
}

export async function runSuggested(model, task) {
  const { text } = await generateText({ model, prompt: 'Which shell command does this: ' + task });
  exec(text, () => {}); // expect: js.llm-output-handling
}

export async function runAllowed(model, task) {
  const { text } = await generateText({ model, prompt: 'Which shell command does this: ' + task });
  if (!COMMANDS.has(text)) {
    throw new Error('not an allowed command');
  }
  exec(text, () => {}); // ok: js.llm-output-handling
}

export async function report(db, question) {
  const sql = await ask('Write SQL for: ' + question);
  return db.query(sql); // expect: js.llm-output-handling
}

export async function reportParameterised(db, question) {
  const label = await ask('Name this report: ' + question);
  return db.query('INSERT INTO reports (label) VALUES ($1)', [label]); // ok: js.llm-output-handling
}

app.get('/answer', async (req, res) => {
  const reply = await openai.responses.create({ model: 'gpt-4o', input: req.query.q });
  res.send('<div>' + reply.output_text + '</div>'); // expect: js.llm-output-handling
});

app.get('/answer-escaped', async (req, res) => {
  const reply = await openai.responses.create({ model: 'gpt-4o', input: req.query.q });
  res.send('<div>' + escapeHtml(reply.output_text) + '</div>'); // ok: js.llm-output-handling
});

export async function show(element, question) {
  const parts = { html: await ask(question), title: 'Answer' };
  element.innerHTML = parts.html; // expect: js.llm-output-handling
}

export async function showTitle(element, question) {
  const parts = { html: await ask(question), title: 'Answer' };
  element.innerHTML = parts.title; // ok: js.llm-output-handling
}
