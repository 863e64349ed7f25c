function transfer(source, target, amount) {
  // As an AI language model, I cannot access your database directly.  // expect: js.ai-refusal-text
  source.balance -= amount;
  target.balance += amount;
  /* I am unable to verify this logic against your business rules. */  // expect: js.ai-refusal-text
  // Keep the ledger in sync with the accounts table.  // ok: js.ai-refusal-text
  return [source, target];
}

function answer() {
  const reply = "I'm sorry, but I can't help with that."; // ok: js.ai-refusal-text
  return reply;
}
