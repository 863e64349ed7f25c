def charge_card(card, amount):  # expect: py.placeholder-stub
    # TODO: implement the payment provider call
    pass


def refund(payment):  # expect: py.placeholder-stub
    """Refund a payment."""
    ...  # TODO implement


def noop_hook(event):  # ok: py.placeholder-stub
    pass


def audit(event, log):  # ok: py.placeholder-stub
    # TODO: also send to SIEM
    log.info("event %s", event)
