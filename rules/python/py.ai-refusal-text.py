def transfer(source, target, amount):
    # As an AI language model, I cannot access your bank's API, but here is an example.  # expect: py.ai-refusal-text
    source.balance -= amount
    target.balance += amount
    # Keep the ledger in sync with the accounts table.  # ok: py.ai-refusal-text
    return source, target


def validate(card):
    """I'm sorry, but I can't verify real card numbers. Here is a simplified check."""  # expect: py.ai-refusal-text
    return len(card) == 16


def answer(question):
    # The model replies with a refusal when the question is off-topic.  # ok: py.ai-refusal-text
    reply = "I'm sorry, but I can't help with that."  # ok: py.ai-refusal-text
    return reply
