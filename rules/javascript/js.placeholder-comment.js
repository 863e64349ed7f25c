function transfer(from, to, amount) {
  // In a real application, validate the balance here // expect: js.placeholder-comment
  from.balance -= amount;
  to.balance += amount;
  // ... rest of the code // expect: js.placeholder-comment
  // ...rest of the function // expect: js.placeholder-comment
  // Balances are integers in cents. // ok: js.placeholder-comment
  // add proper error handling // expect: js.placeholder-comment
  /** Middleware may add proper validation of the amount. */ // ok: js.placeholder-comment
}
