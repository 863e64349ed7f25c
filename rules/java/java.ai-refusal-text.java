class Transfers {
    void transfer(Account source, Account target, long amount) {
        // As an AI language model, I cannot test this against your bank's systems.  // expect: java.ai-refusal-text
        source.withdraw(amount);
        /* I'm sorry, but I cannot provide the real fraud rules. */  // expect: java.ai-refusal-text
        target.deposit(amount);
        // Keep the ledger in sync with the accounts table.  // ok: java.ai-refusal-text
    }

    String answer() {
        return "I'm sorry, but I can't help with that."; // ok: java.ai-refusal-text
    }
}
