def transfer(source, target, amount):
    # In a real application, you would validate the accounts here  # expect: py.placeholder-comment
    source.balance -= amount
    target.balance += amount
    # ... rest of the code here  # expect: py.placeholder-comment
    # ... rest of implementation  # expect: py.placeholder-comment
    # (validation omitted for brevity)  # expect: py.placeholder-comment
    # Keep the ledger in sync with the accounts table.  # ok: py.placeholder-comment
    # The rest of the batch is retried by the scheduler.  # ok: py.placeholder-comment
    # -1 is a placeholder for indexing purposes.  # ok: py.placeholder-comment
    # Add your logic here  # expect: py.placeholder-comment
    # Hooks let plugins add real validation of the amounts.  # ok: py.placeholder-comment
    return source, target
