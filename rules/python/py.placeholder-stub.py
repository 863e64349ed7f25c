def charge_card(card, amount):  # expect: py.placeholder-stub
    # TODO: call the payment provider
    pass


def refund(payment):  # expect: py.placeholder-stub
    """Refund a payment."""
    ...  # TODO implement


def noop_hook(event):  # ok: py.placeholder-stub
    pass


class Compiler:
    def _compile(self, source):  # ok: py.placeholder-stub
        # Subclasses that do not override compile() should implement _compile().
        pass


def audit(event, log):  # ok: py.placeholder-stub
    # TODO: also send to SIEM
    log.info("event %s", event)
